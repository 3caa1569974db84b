"""Rows of the `probes` layout: one per (person, setup, number of demonstrations), probes as parallel lists.

The same rows come from the build (the `probes` config of the evaluation people) and from
:func:`instance_rows` on demand (training people, held-out splits), so both paths share one draw.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from indievaluecatalog.codebook import Codebook
from indievaluecatalog.splits._demonstrations import DEMO_COUNTS, check_demos, draw_positions

MISSING = -1
"""Option index stored in answer matrices for a missing answer."""

PROBES_SCHEMA = pa.schema(
    [
        pa.field("respondent_id", pa.string()),
        pa.field("setup", pa.int8()),
        pa.field("demos", pa.string()),
        pa.field("n_requested", pa.int16()),
        pa.field("n_demonstrations", pa.int16()),
        pa.field("demonstrations_polar", pa.list_(pa.string())),
        pa.field("demonstrations_refined", pa.list_(pa.string())),
        pa.field("probe_questions", pa.list_(pa.string())),
        pa.field("probe_polar_options", pa.list_(pa.list_(pa.string()))),
        pa.field("probe_refined_options", pa.list_(pa.list_(pa.string()))),
        pa.field("probe_polar_answers", pa.list_(pa.int8())),
        pa.field("probe_refined_answers", pa.list_(pa.int8())),
    ]
)
"""Arrow schema of the `probes` config; docs/task.md describes each column."""


@dataclass(frozen=True)
class AnswerMatrix:
    """Option indices of some people for every value question, MISSING where the answer is not valid."""

    respondent_ids: tuple[str, ...]
    question_ids: tuple[str, ...]
    polar: npt.NDArray[np.int16]
    refined: npt.NDArray[np.int16]


def answer_matrix(respondents: pd.DataFrame | pa.Table, codebook: Codebook) -> AnswerMatrix:
    """Read the ``<Q>_polar`` and ``<Q>_refined`` columns of ``respondents`` (pandas or Arrow) into an AnswerMatrix."""
    question_ids = tuple(q.id for q in codebook.questions)
    names = set(respondents.column_names if isinstance(respondents, pa.Table) else respondents.columns)
    matrices = []
    for granularity in ("polar", "refined"):
        matrix = np.full((len(respondents), len(question_ids)), MISSING, dtype=np.int16)
        for index, question_id in enumerate(question_ids):
            column = f"{question_id}_{granularity}"
            if column in names:
                matrix[:, index] = _option_column(respondents, column)
        matrices.append(matrix)
    if isinstance(respondents, pa.Table):
        id_values = respondents["respondent_id"].to_pylist()
    else:
        id_values = respondents["respondent_id"].tolist()
    ids = tuple(str(r) for r in id_values)
    return AnswerMatrix(ids, question_ids, matrices[0], matrices[1])


def _option_column(respondents: pd.DataFrame | pa.Table, column: str) -> npt.NDArray[np.int16]:
    """Return one option column as int16, MISSING where it is null (or, in pandas, not a number)."""
    if isinstance(respondents, pa.Table):
        values = respondents[column].to_numpy().astype(np.float64)
    else:
        values = pd.to_numeric(respondents[column], errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan
        )
    options: npt.NDArray[np.int16] = np.where(np.isnan(values), MISSING, values).astype(np.int16)
    return options


def instance_rows(
    answers: AnswerMatrix,
    codebook: Codebook,
    probes_by_setup: Sequence[tuple[int, Sequence[str]]],
    *,
    seed: int,
    demos: Iterable[str] = DEMO_COUNTS,
    excluded_questions: Sequence[str] = (),
    variant: str = "",
) -> pa.Table:
    """Draw demonstrations and collect probes for every person of ``answers``; return an Arrow table in the probes layout.

    ``probes_by_setup`` pairs each setup number with its probe questions. Demonstrations come from the person's
    valid answers (both granularities) to the other questions, never from a probe of that setup nor from
    ``excluded_questions``. Probes the person did not answer are left out of the row's lists, so evaluation
    people (who answered all) always have the full set. Rows are ordered by respondent id, setup, then
    ``DEMO_COUNTS`` order.

    Only the draws loop in Python (one seeded generator per row). The list columns are built from integer
    arrays with Arrow takes from small pools of statement ids, so no per-element Python string is made.
    """
    demo_list = [check_demos(d) for d in demos]
    column = {q: i for i, q in enumerate(answers.question_ids)}
    option_counts = {q.id: (len(q.polar), len(q.refined)) for q in codebook.questions}
    excluded = set(excluded_questions)
    valid = (answers.polar != MISSING) & (answers.refined != MISSING)
    ids = answers.respondent_ids
    order = sorted(range(len(ids)), key=ids.__getitem__)

    rows = _Rows()
    for setup, probe_questions in probes_by_setup:
        probe_set = set(probe_questions)
        pool_columns = np.array(
            [i for i, q in enumerate(answers.question_ids) if q not in probe_set and q not in excluded],
            dtype=np.intp,
        )
        probe_columns = np.array([column[q] for q in probe_questions], dtype=np.intp)
        for person in order:
            pool = pool_columns[valid[person, pool_columns]]
            group = rows.add_probes(probe_columns[valid[person, probe_columns]])
            for demo in demo_list:
                requested, chosen = draw_positions(
                    len(pool), seed=seed, respondent_id=ids[person], setup=setup, demos=demo, variant=variant
                )
                rows.add(person, setup, demo, requested, pool[chosen], group)

    # The stable sort keeps generation order among equal keys, as sorting the row records did before.
    keys = [
        (ids[person], int(setup), DEMO_COUNTS.index(demo))
        for person, setup, demo in zip(rows.person, rows.setup, rows.demos, strict=True)
    ]
    row_order = sorted(range(len(keys)), key=keys.__getitem__)
    return rows.table(row_order, answers, option_counts)


class _Rows:
    """Rows of the probes layout as parallel lists of integers, turned into Arrow columns at the end."""

    def __init__(self) -> None:
        self.person: list[int] = []
        self.setup: list[int] = []
        self.demos: list[str] = []
        self.requested: list[int] = []
        self.demo_columns: list[npt.NDArray[np.intp]] = []
        """Answer-matrix columns of each row's demonstrations, in sampled order."""
        self.group: list[int] = []
        """Index into ``probe_columns`` of each row."""
        self.probe_columns: list[npt.NDArray[np.intp]] = []
        """Answer-matrix columns of the answered probes, one entry per (setup, person)."""

    def add_probes(self, columns: npt.NDArray[np.intp]) -> int:
        self.probe_columns.append(columns)
        return len(self.probe_columns) - 1

    def add(
        self, person: int, setup: int, demos: str, requested: int, columns: npt.NDArray[np.intp], group: int
    ) -> None:
        self.person.append(person)
        self.setup.append(setup)
        self.demos.append(demos)
        self.requested.append(requested)
        self.demo_columns.append(columns)
        self.group.append(group)

    def table(
        self, row_order: Sequence[int], answers: AnswerMatrix, option_counts: dict[str, tuple[int, int]]
    ) -> pa.Table:
        persons = np.array([self.person[r] for r in row_order], dtype=np.intp)
        demo_columns = [self.demo_columns[r] for r in row_order]
        probe_columns = [self.probe_columns[self.group[r]] for r in row_order]
        demo_offsets, demo_flat = _flatten(demo_columns)
        probe_offsets, probe_flat = _flatten(probe_columns)
        demo_people = np.repeat(persons, np.diff(demo_offsets))
        probe_people = np.repeat(persons, np.diff(probe_offsets))
        question_ids = answers.question_ids
        polar_options, refined_options = _option_pools(question_ids, probe_flat, option_counts)
        arrays = [
            pa.array([answers.respondent_ids[p] for p in persons.tolist()], type=pa.string()),
            pa.array([self.setup[r] for r in row_order], type=pa.int8()),
            pa.array([self.demos[r] for r in row_order], type=pa.string()),
            pa.array([self.requested[r] for r in row_order], type=pa.int16()),
            pa.array(np.diff(demo_offsets), type=pa.int16()),
            _lists(
                demo_offsets,
                _statement_ids(question_ids, "polar", demo_flat, answers.polar[demo_people, demo_flat]),
            ),
            _lists(
                demo_offsets,
                _statement_ids(question_ids, "refined", demo_flat, answers.refined[demo_people, demo_flat]),
            ),
            _lists(probe_offsets, _take_strings(question_ids, probe_flat)),
            _lists(probe_offsets, polar_options),
            _lists(probe_offsets, refined_options),
            _lists(probe_offsets, pa.array(answers.polar[probe_people, probe_flat]).cast(pa.int8())),
            _lists(probe_offsets, pa.array(answers.refined[probe_people, probe_flat]).cast(pa.int8())),
        ]
        return pa.Table.from_arrays(arrays, schema=PROBES_SCHEMA)


def _flatten(parts: Sequence[npt.NDArray[np.intp]]) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.intp]]:
    """Return list offsets and the concatenated values of ``parts``."""
    offsets = _offsets(np.array([len(part) for part in parts], dtype=np.int64))
    flat = np.concatenate(parts) if parts else np.empty(0, dtype=np.intp)
    return offsets, flat.astype(np.intp, copy=False)


def _offsets(lengths: npt.NDArray[np.int64]) -> npt.NDArray[np.int32]:
    offsets = np.zeros(len(lengths) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    return offsets


def _lists(offsets: npt.NDArray[np.int32], values: pa.Array) -> pa.ListArray:
    return pa.ListArray.from_arrays(pa.array(offsets, type=pa.int32()), values)


def _statement_ids(
    question_ids: Sequence[str],
    granularity: str,
    columns: npt.NDArray[np.intp],
    options: npt.NDArray[np.int16],
) -> pa.Array:
    """Return ``<question>:<granularity>:<option>`` for each (answer-matrix column, option) pair."""
    if len(columns) == 0:
        return pa.array([], type=pa.string())
    low = min(int(options.min()), 0)
    width = int(options.max()) - low + 1
    pool = [f"{q}:{granularity}:{k}" for q in question_ids for k in range(low, low + width)]
    return _take_strings(pool, columns * width + (options.astype(np.intp) - low))


def _option_pools(
    question_ids: Sequence[str], columns: npt.NDArray[np.intp], option_counts: dict[str, tuple[int, int]]
) -> tuple[pa.Array, pa.Array]:
    """Return the polar and the refined option id lists of the question at each of ``columns``."""
    distinct, position = np.unique(columns, return_inverse=True)
    position = position.reshape(-1)
    pools = []
    for granularity, side in (("polar", 0), ("refined", 1)):
        texts: list[str] = []
        starts = []
        for c in distinct.tolist():
            starts.append(len(texts))
            texts += _option_ids(question_ids[c], granularity, option_counts[question_ids[c]][side])
        lengths = np.diff([*starts, len(texts)]).astype(np.int64)[position]
        offsets = _offsets(lengths)
        # Element j of list i is pool entry starts[i] + j.
        first = np.asarray(starts, dtype=np.intp)[position]
        indices = np.repeat(first - offsets[:-1], lengths) + np.arange(offsets[-1], dtype=np.intp)
        pools.append(_lists(offsets, _take_strings(texts, indices)))
    return pools[0], pools[1]


def _take_strings(pool: Sequence[str], indices: npt.NDArray[np.intp]) -> pa.Array:
    """Return ``pool[i]`` for each index as a string array with no validity bitmap.

    ``take`` allocates an all-valid bitmap, which ``from_pylist`` does not. Dropping it keeps the table's
    ``nbytes`` (recorded as ``num_bytes`` in the manifest) equal to that of a table built from Python lists.
    """
    values = pa.array(pool, type=pa.string()).take(pa.array(indices, type=pa.int64()))
    return pa.Array.from_buffers(
        pa.string(), len(values), [None, *values.buffers()[1:]], offset=values.offset
    )


def _option_ids(question_id: str, granularity: str, count: int) -> list[str]:
    return [f"{question_id}:{granularity}:{k}" for k in range(count)]

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
from indievaluecatalog.splits._demonstrations import DEMO_COUNTS, check_demos, draw_demonstrations

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


def answer_matrix(respondents: pd.DataFrame, codebook: Codebook) -> AnswerMatrix:
    """Read the ``<Q>_polar`` and ``<Q>_refined`` columns of ``respondents`` into an AnswerMatrix."""
    question_ids = tuple(q.id for q in codebook.questions)
    matrices = []
    for granularity in ("polar", "refined"):
        matrix = np.full((len(respondents), len(question_ids)), MISSING, dtype=np.int16)
        for index, question_id in enumerate(question_ids):
            column = f"{question_id}_{granularity}"
            if column in respondents.columns:
                values = pd.to_numeric(respondents[column], errors="coerce").to_numpy(
                    dtype="float64", na_value=np.nan
                )
                matrix[:, index] = np.where(np.isnan(values), MISSING, values).astype(np.int16)
        matrices.append(matrix)
    ids = tuple(str(r) for r in respondents["respondent_id"].tolist())
    return AnswerMatrix(ids, question_ids, matrices[0], matrices[1])


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
    """
    demo_list = [check_demos(d) for d in demos]
    column = {q: i for i, q in enumerate(answers.question_ids)}
    option_counts = {q.id: (len(q.polar), len(q.refined)) for q in codebook.questions}
    excluded = set(excluded_questions)
    valid = (answers.polar != MISSING) & (answers.refined != MISSING)
    order = sorted(range(len(answers.respondent_ids)), key=lambda i: answers.respondent_ids[i])

    records: list[dict[str, object]] = []
    for setup, probe_questions in probes_by_setup:
        probe_set = set(probe_questions)
        pool_columns = [
            i for i, q in enumerate(answers.question_ids) if q not in probe_set and q not in excluded
        ]
        probe_columns = [column[q] for q in probe_questions]
        polar_options = [_option_ids(q, "polar", option_counts[q][0]) for q in probe_questions]
        refined_options = [_option_ids(q, "refined", option_counts[q][1]) for q in probe_questions]
        for person in order:
            respondent_id = answers.respondent_ids[person]
            pool = [answers.question_ids[i] for i in pool_columns if valid[person, i]]
            answered = [k for k, c in enumerate(probe_columns) if valid[person, c]]
            probe_fields = {
                "probe_questions": [probe_questions[k] for k in answered],
                "probe_polar_options": [polar_options[k] for k in answered],
                "probe_refined_options": [refined_options[k] for k in answered],
                "probe_polar_answers": [int(answers.polar[person, probe_columns[k]]) for k in answered],
                "probe_refined_answers": [int(answers.refined[person, probe_columns[k]]) for k in answered],
            }
            for demo in demo_list:
                draw = draw_demonstrations(
                    pool, seed=seed, respondent_id=respondent_id, setup=setup, demos=demo, variant=variant
                )
                records.append(
                    {
                        "respondent_id": respondent_id,
                        "setup": setup,
                        "demos": demo,
                        "n_requested": draw.requested,
                        "n_demonstrations": len(draw.questions),
                        "demonstrations_polar": [
                            f"{q}:polar:{answers.polar[person, column[q]]}" for q in draw.questions
                        ],
                        "demonstrations_refined": [
                            f"{q}:refined:{answers.refined[person, column[q]]}" for q in draw.questions
                        ],
                        **probe_fields,
                    }
                )
    records.sort(
        key=lambda r: (str(r["respondent_id"]), int(str(r["setup"])), DEMO_COUNTS.index(str(r["demos"])))
    )
    return pa.Table.from_pylist(records, schema=PROBES_SCHEMA)


def _option_ids(question_id: str, granularity: str, count: int) -> list[str]:
    return [f"{question_id}:{granularity}:{k}" for k in range(count)]

"""The split and probe tables that the catalog build writes: `splits`, `probes` and the id lists."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from indievaluecatalog.codebook import Codebook
from indievaluecatalog.splits._demonstrations import DEMO_COUNTS, MIXED_RANGE
from indievaluecatalog.splits._rows import answer_matrix, instance_rows
from indievaluecatalog.splits._seeding import DEFAULT_SEED
from indievaluecatalog.splits._selection import (
    EvaluationRules,
    EvaluationSelection,
    select_evaluation,
    select_heldout_categories,
    select_heldout_countries,
)
from indievaluecatalog.splits._setups import ProbeSetups, load_probe_setups

logger = logging.getLogger(__name__)

TEST = "test"
TRAIN = "train"
SPLIT_COLUMNS = ("evaluation", "heldout_countries")
"""Columns of the `splits` config besides respondent_id; each is "test" or "train"."""

SPLITS_SCHEMA = pa.schema(
    [
        pa.field("respondent_id", pa.string()),
        pa.field("evaluation", pa.string()),
        pa.field("heldout_countries", pa.string()),
    ]
)


@dataclass(frozen=True)
class TaskTables:
    """Everything the build publishes about the task protocol."""

    splits: pa.Table
    """One row per respondent in the respondents table's order: respondent_id and one column per split."""
    probes: pa.Table
    """The evaluation people's task instances in the probes layout (see ``PROBES_SCHEMA``)."""
    evaluation: EvaluationSelection
    heldout_countries: tuple[tuple[int, str], ...]
    """(country code, continent) of the countries on the test side of the held-out-countries split."""
    heldout_categories: tuple[str, ...]
    setups: ProbeSetups
    seed: int

    def id_lists(self) -> dict[str, list[str]]:
        """Return the respondent ids of each split side, sorted, keyed ``<split>_<side>``."""
        frame = self.splits.to_pandas()
        lists: dict[str, list[str]] = {}
        for split in SPLIT_COLUMNS:
            for side in (TEST, TRAIN):
                ids = frame.loc[frame[split] == side, "respondent_id"].astype(str).tolist()
                lists[f"{split}_{side}"] = sorted(ids)
        return lists

    def manifest_entry(self) -> dict[str, Any]:
        """Return the seed, rules and counts of the splits for the build manifest."""
        return {
            "seed": self.seed,
            "probe_setups": {
                "file": Path(self.setups.path).name,
                "version": self.setups.version,
                "questions": {str(s.setup): list(s.question_ids) for s in self.setups.setups},
            },
            "evaluation": self.evaluation.counts(),
            "heldout_countries": [code for code, _ in self.heldout_countries],
            "heldout_categories": list(self.heldout_categories),
            "demos": list(DEMO_COUNTS),
            "mixed_range": list(MIXED_RANGE),
            "probes_rows": self.probes.num_rows,
        }


BASE_COLUMNS = (
    "respondent_id",
    "country_code",
    "continent",
    "religion",
    "n_valid_answers",
    "n_valid_demographics",
)
"""Columns of the `respondents` table that the split rules read besides the answers."""


def _rule_columns(respondents: pa.Table, probe_questions: Sequence[str]) -> pd.DataFrame:
    """Return the columns the split rules read (base columns and the probe answers) as pandas.

    The other answer columns stay in Arrow: only the evaluation people's answers are needed, for the draws.
    """
    columns = [*BASE_COLUMNS, *(f"{q}_{g}" for q in probe_questions for g in ("polar", "refined"))]
    names = set(respondents.column_names)
    present = [c for c in columns if c in names]
    # The int8 option columns stay Arrow-backed (no copy): the rules only test them for nulls. Converting them to
    # float64 numpy columns took about 0.1-0.3 s on a full-size table.
    frame: pd.DataFrame = respondents.select(present).to_pandas(
        types_mapper=lambda dtype: pd.ArrowDtype(dtype) if pa.types.is_int8(dtype) else None
    )
    return frame


def build_task_tables(
    respondents: pa.Table | pd.DataFrame,
    codebook: Codebook,
    *,
    seed: int = DEFAULT_SEED,
    rules: EvaluationRules | None = None,
    setups: ProbeSetups | None = None,
) -> TaskTables:
    """Select the splits of ``respondents`` (the `respondents` table) and draw the evaluation people's instances.

    With ``rules`` None the protocol's rules are scaled to the size of the input (see ``scaled_rules``).
    """
    setups = setups or load_probe_setups(codebook=codebook)
    if isinstance(respondents, pd.DataFrame):
        frame = respondents
    else:
        frame = _rule_columns(respondents, setups.distinct_questions)
    selection = select_evaluation(frame, setups.distinct_questions, seed=seed, rules=rules)
    held_countries = select_heldout_countries(frame, seed=seed)
    held_categories = select_heldout_categories(codebook, seed=seed)

    evaluation_ids = set(selection.respondent_ids)
    held_codes = {code for code, _ in held_countries}
    ids = frame["respondent_id"].astype(str)
    codes = pd.to_numeric(frame["country_code"], errors="coerce")
    splits = pa.table(
        {
            "respondent_id": ids.tolist(),
            "evaluation": [TEST if rid in evaluation_ids else TRAIN for rid in ids.tolist()],
            "heldout_countries": [TEST if code in held_codes else TRAIN for code in codes.tolist()],
        },
        schema=SPLITS_SCHEMA,
    )

    chosen_mask = ids.isin(evaluation_ids).to_numpy()
    if isinstance(respondents, pd.DataFrame):
        answers = answer_matrix(respondents[chosen_mask], codebook)
    else:
        answers = answer_matrix(respondents.filter(pa.array(chosen_mask)), codebook)
    probes = instance_rows(
        answers, codebook, [(s.setup, s.question_ids) for s in setups.setups], seed=seed, demos=DEMO_COUNTS
    )
    short = pc.sum(pc.less(probes["n_demonstrations"], probes["n_requested"])).as_py() or 0
    if short:
        logger.warning(
            "%d of %d task instances have fewer demonstrations than requested: those people have fewer valid "
            "non-probe answers, so all of them are used (see n_requested and n_demonstrations).",
            short,
            probes.num_rows,
        )
    logger.info(
        "Task tables: %d evaluation people, %d training people, %d probe rows, %d held-out countries, "
        "held-out categories %s",
        len(evaluation_ids),
        len(frame) - len(evaluation_ids),
        probes.num_rows,
        len(held_countries),
        list(held_categories),
    )
    return TaskTables(
        splits=splits,
        probes=probes,
        evaluation=selection,
        heldout_countries=held_countries,
        heldout_categories=held_categories,
        setups=setups,
        seed=seed,
    )


def write_task_tables(tables: TaskTables, catalog_dir: str | Path) -> dict[str, Path]:
    """Write ``data/splits.parquet``, ``data/probes.parquet`` and ``splits/<split>_<side>.txt`` under a folder.

    Returns the written paths keyed by a short name. The catalog build writes the same files through its own
    atomic writer; this function serves callers that assemble a folder themselves (tests, scripts).
    """
    root = Path(catalog_dir)
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "splits").mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name, table in (("splits", tables.splits), ("probes", tables.probes)):
        path = root / "data" / f"{name}.parquet"
        pq.write_table(table, path, compression="zstd")
        written[name] = path
    for name, ids in tables.id_lists().items():
        path = root / "splits" / f"{name}.txt"
        path.write_text("".join(f"{rid}\n" for rid in ids), encoding="utf-8")
        written[f"splits/{name}"] = path
    return written

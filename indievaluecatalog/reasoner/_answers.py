"""The answers of the training pool as a dense matrix, read from a built catalog."""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from indievaluecatalog import splits
from indievaluecatalog.codebook import Codebook
from indievaluecatalog.errors import CatalogNotFoundError, TrainingError

logger = logging.getLogger(__name__)

MISSING = -1
"""Option index stored for a missing answer."""


@dataclass(frozen=True)
class AnswerTable:
    """Option indices of training people: one row per person, one column per value question."""

    respondent_ids: tuple[str, ...]
    question_ids: tuple[str, ...]
    """Value questions in codebook order."""
    polar: npt.NDArray[np.int16]
    """Polar option index per person and question; ``MISSING`` where the person gave no valid answer."""
    refined: npt.NDArray[np.int16]

    @property
    def valid(self) -> npt.NDArray[np.bool_]:
        """True where the person has a valid answer at both granularities."""
        valid: npt.NDArray[np.bool_] = (self.polar != MISSING) & (self.refined != MISSING)
        return valid


def answer_table(
    respondents: pd.DataFrame,
    codebook: Codebook,
    training_ids: Sequence[str],
    evaluation_ids: Collection[str] = (),
) -> AnswerTable:
    """Select the training people of a ``respondents`` frame and return their answers as an AnswerTable.

    Raises TrainingError when a training id is also an evaluation id or is not in the frame: a training example
    of an evaluation person would leak the evaluation answers into the model.
    """
    leaked = sorted(set(training_ids) & set(evaluation_ids))
    if leaked:
        raise TrainingError(
            f"{len(leaked)} {'respondent is' if len(leaked) == 1 else 'respondents are'} in both the training pool "
            "and the evaluation people "
            f"(first: {leaked[0]}).",
            hint="rebuild the catalog so that its splits are disjoint; the reasoner must never train on them",
        )
    if "respondent_id" not in respondents.columns:
        raise TrainingError(
            "The respondents table has no respondent_id column.",
            hint="pass the respondents table of a catalog built by indievaluecatalog build",
        )
    indexed = respondents.set_index("respondent_id")
    absent = [rid for rid in training_ids if rid not in indexed.index]
    if absent:
        raise TrainingError(
            f"{len(absent)} training {'respondent is' if len(absent) == 1 else 'respondents are'} not in the "
            f"respondents table (first: {absent[0]}).",
            hint="the splits and the respondents table must come from the same catalog build",
        )
    rows = indexed.loc[list(training_ids)]
    question_ids = tuple(question.id for question in codebook.questions)
    polar = _option_matrix(rows, question_ids, "polar")
    refined = _option_matrix(rows, question_ids, "refined")
    table = AnswerTable(tuple(training_ids), question_ids, polar, refined)
    logger.info(
        "Read %d training respondents with %d valid answers to %d value questions",
        len(training_ids),
        int(table.valid.sum()),
        len(question_ids),
    )
    return table


def _option_matrix(
    rows: pd.DataFrame, question_ids: Sequence[str], granularity: str
) -> npt.NDArray[np.int16]:
    matrix = np.full((len(rows), len(question_ids)), MISSING, dtype=np.int16)
    absent: list[str] = []
    for column_index, question_id in enumerate(question_ids):
        column = f"{question_id}_{granularity}"
        if column not in rows.columns:
            absent.append(column)
            continue
        values = pd.to_numeric(rows[column], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        matrix[:, column_index] = np.where(np.isnan(values), MISSING, values).astype(np.int16)
    if absent:
        logger.warning(
            "%d value-question columns are absent from the respondents table and count as missing (first: %s)",
            len(absent),
            absent[0],
        )
    return matrix


def read_catalog_answers(catalog_dir: Path, codebook: Codebook) -> AnswerTable:
    """Read the training pool's answers from a built catalog folder (``data/respondents.parquet``)."""
    respondents_file = catalog_dir / "data" / "respondents.parquet"
    if not respondents_file.is_file():
        raise CatalogNotFoundError(
            f"No built catalog in {catalog_dir}: {respondents_file} is missing.",
            hint="pass the output folder of indievaluecatalog build as --catalog",
        )
    training_ids = splits.training_pool_ids(catalog_dir)
    evaluation_ids = splits.evaluation_ids(catalog_dir)
    respondents = pd.read_parquet(respondents_file)
    return answer_table(respondents, codebook, training_ids, evaluation_ids)

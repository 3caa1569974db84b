"""Baselines that ignore the person's statements: random choice, global majority, demographic-cell majority."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from indievaluecatalog.baselines._answers import AnswerTable, instance_seed
from indievaluecatalog.baselines._base import BaselineScorer, break_ties
from indievaluecatalog.codebook import Granularity
from indievaluecatalog.splits._records import TaskInstance

logger = logging.getLogger(__name__)


class RandomScorer(BaselineScorer):
    """A uniform guess among the probe's options; expected accuracy is the mean of 1 / options."""

    name = "random"

    def __init__(self, table: AnswerTable, *, seed: int = 0) -> None:
        super().__init__(table)
        self.seed = seed

    def describe(self) -> dict[str, object]:
        return {"name": self.name, "seed": self.seed}

    def predict_instance(self, instance: TaskInstance, granularity: Granularity) -> list[int]:
        rng = np.random.default_rng(instance_seed(self.seed, instance, granularity))
        return [int(rng.integers(len(probe.options(granularity)))) for probe in instance.probes]


class MajorityScorer(BaselineScorer):
    """The training pool's most frequent option of each question (the lower index on a tie)."""

    name = "majority"

    def predict_instance(self, instance: TaskInstance, granularity: Granularity) -> list[int]:
        choices = []
        for probe in instance.probes:
            counts = self.prior(granularity, self.table.column(probe.question_id))
            choices.append(int(np.argmax(counts)))
        return choices


# Cells from the finest to the coarsest; a person falls back to the next level when the cell is too small.
CELL_LEVELS: tuple[tuple[str, ...], ...] = (
    ("country", "sex", "age_band"),
    ("country", "sex"),
    ("country",),
    ("continent",),
    (),
)


class DemographicCellScorer(BaselineScorer):
    """The most frequent option among training people of the person's country x sex x age band.

    When fewer than ``min_cell`` people of the cell answered the probe (or the person's value on a cell
    variable is missing), the cell widens to country x sex, then country, then continent, then everyone.
    """

    name = "demographic-majority"

    def __init__(self, table: AnswerTable, *, min_cell: int = 20) -> None:
        super().__init__(table)
        if min_cell < 1:
            raise ValueError(f"min_cell must be at least 1, not {min_cell}")
        self.min_cell = min_cell
        frame = table.respondents
        self._keys: list[np.ndarray | None] = []
        for level in CELL_LEVELS:
            if any(column not in frame.columns for column in level):
                logger.warning("respondents table lacks a column of cell %s; that level is skipped", level)
                self._keys.append(None)
                continue
            self._keys.append(_cell_codes(frame, level))
        self._members: dict[tuple[int, int], np.ndarray] = {}
        self.fallbacks = [0] * len(CELL_LEVELS)
        """How many probes were answered at each cell level, for the log."""

    def describe(self) -> dict[str, object]:
        return {
            "name": self.name,
            "min_cell": self.min_cell,
            "levels": [list(level) for level in CELL_LEVELS],
        }

    def _cell_members(self, level: int, code: int) -> np.ndarray:
        cache_key = (level, code)
        if cache_key not in self._members:
            codes = self._keys[level]
            assert codes is not None
            train = self.table.train_rows
            self._members[cache_key] = train[codes[train] == code]
        return self._members[cache_key]

    def predict_instance(self, instance: TaskInstance, granularity: Granularity) -> list[int]:
        row = self.table.row(instance.respondent_id)
        choices = []
        for probe in instance.probes:
            column = self.table.column(probe.question_id)
            prior = self.prior(granularity, column)
            level, counts = self._cell_counts(row, granularity, column)
            self.fallbacks[level] += 1
            choices.append(break_ties(counts if counts is not None else prior, prior))
        return choices

    def _cell_counts(self, row: int, granularity: Granularity, column: int) -> tuple[int, np.ndarray | None]:
        """Return the finest usable cell level and its option counts; None counts mean the whole pool."""
        for level, codes in enumerate(self._keys[:-1]):
            if codes is None or codes[row] < 0:
                continue
            counts = self.table.option_counts(self._cell_members(level, int(codes[row])), granularity, column)
            if counts.sum() >= self.min_cell:
                return level, counts
        return len(CELL_LEVELS) - 1, None


def _cell_codes(frame: pd.DataFrame, level: tuple[str, ...]) -> np.ndarray:
    """Return an integer cell code per respondent for one cell level; -1 when a cell variable is missing."""
    if not level:
        return np.zeros(len(frame), dtype=np.int64)
    parts = frame[list(level)].astype("string")
    missing = parts.isna().any(axis=1).to_numpy()
    joined = parts.fillna("").agg("|".join, axis=1)
    codes, _ = pd.factorize(joined)
    codes = codes.astype(np.int64)
    codes[missing] = -1
    return codes

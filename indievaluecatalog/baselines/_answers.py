"""Answer matrices of the catalog: what every statistical baseline learns from.

A baseline sees the training pool's answers and, for the person being scored, only the answers to the
demonstration questions of the task instance. Both come from the catalog's ``respondents`` table, whose
``<Q>_polar`` and ``<Q>_refined`` columns hold zero-based option indices (null when missing).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indievaluecatalog.codebook import GRANULARITIES, Codebook, Granularity, load_codebook
from indievaluecatalog.errors import EvaluationError
from indievaluecatalog.splits._records import TaskInstance

logger = logging.getLogger(__name__)

MISSING = -1


@dataclass(frozen=True)
class QuestionLayout:
    """Questions of the answer matrices and where each one's options sit in a one-hot vector."""

    question_ids: tuple[str, ...]
    n_options: np.ndarray
    """Options per question, aligned with ``question_ids``."""
    offsets: np.ndarray
    """Column of each question's first option in the one-hot vector; one extra entry is the width."""

    @property
    def width(self) -> int:
        """Columns of the one-hot vector: the options of every question."""
        return int(self.offsets[-1])


class AnswerTable:
    """Option indices of every respondent for every value question, per granularity, with the training rows."""

    def __init__(
        self,
        respondents: pd.DataFrame,
        train_ids: Sequence[str],
        *,
        codebook: Codebook | None = None,
    ) -> None:
        book = codebook or load_codebook()
        if "respondent_id" not in respondents.columns:
            raise EvaluationError(
                "The respondents table has no respondent_id column.",
                hint="pass the catalog's data/respondents.parquet table",
            )
        questions = [q for q in book.questions if f"{q.id}_polar" in respondents.columns]
        absent = len(book.questions) - len(questions)
        if absent:
            logger.warning("%d value questions have no answer columns in the respondents table", absent)

        self.respondents = respondents.reset_index(drop=True)
        self.row_of = {rid: row for row, rid in enumerate(self.respondents["respondent_id"].astype(str))}
        self.layouts: dict[Granularity, QuestionLayout] = {}
        self.answers: dict[Granularity, np.ndarray] = {}
        for granularity in GRANULARITIES:
            counts = np.array([len(q.options(granularity)) for q in questions], dtype=np.int64)
            self.layouts[granularity] = QuestionLayout(
                question_ids=tuple(q.id for q in questions),
                n_options=counts,
                offsets=np.concatenate([[0], np.cumsum(counts)]),
            )
            columns = [f"{q.id}_{granularity}" for q in questions]
            values = self.respondents[columns].apply(pd.to_numeric).fillna(MISSING).to_numpy(dtype=np.int64)
            self.answers[granularity] = values.astype(np.int8)
        self.column_of = {qid: column for column, qid in enumerate(self.layouts["polar"].question_ids)}

        unknown = [rid for rid in train_ids if rid not in self.row_of]
        if unknown:
            raise EvaluationError(
                f"{len(unknown)} training respondent {'id is' if len(unknown) == 1 else 'ids are'} not in the "
                f"respondents table, e.g. {unknown[0]!r}.",
                hint="use the split table of the same catalog as the respondents table",
            )
        self.train_rows = np.array([self.row_of[rid] for rid in train_ids], dtype=np.int64)
        if len(self.train_rows) == 0:
            raise EvaluationError(
                "The training pool is empty, so a statistical baseline has nothing to learn from.",
                hint="check the catalog's data/splits.parquet",
            )
        logger.info(
            "answer table: %d respondents, %d in the training pool", len(self.row_of), len(self.train_rows)
        )

    def column(self, question_id: str) -> int:
        """Return the answer-matrix column of ``question_id``; raise EvaluationError when absent."""
        try:
            return self.column_of[question_id]
        except KeyError:
            raise EvaluationError(
                f"Question {question_id} has no answer columns in the respondents table.",
                hint="rebuild the catalog from a file that contains the question",
            ) from None

    def row(self, respondent_id: str) -> int:
        """Return the row of ``respondent_id``; raise EvaluationError when the catalog lacks it."""
        try:
            return self.row_of[respondent_id]
        except KeyError:
            raise EvaluationError(
                f"Respondent {respondent_id} of a task instance is not in the respondents table.",
                hint="score task instances of the same catalog as the baseline's respondents table",
            ) from None

    def train_answers(self, granularity: Granularity) -> np.ndarray:
        """Return the training pool's answers (people x questions, -1 for missing)."""
        return self.answers[granularity][self.train_rows]

    def known_answers(
        self, instance: TaskInstance, granularity: Granularity
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return (question columns, option indices) of the instance's demonstration questions.

        These are the only answers of the person a baseline may use. A demonstration without a valid answer in
        the table is skipped.
        """
        row = self.row(instance.respondent_id)
        columns = np.array([self.column(q) for q in instance.demonstration_questions], dtype=np.int64)
        if len(columns) == 0:
            return columns, np.zeros(0, dtype=np.int64)
        values = self.answers[granularity][row, columns].astype(np.int64)
        valid = values >= 0
        return columns[valid], values[valid]

    def one_hot(self, answers: np.ndarray, granularity: Granularity) -> np.ndarray:
        """Return the one-hot encoding (people x options, uint8) of an answer matrix; missing answers are all 0."""
        layout = self.layouts[granularity]
        encoded = np.zeros((answers.shape[0], layout.width), dtype=np.uint8)
        for column in range(answers.shape[1]):
            values = answers[:, column].astype(np.int64)
            valid = values >= 0
            encoded[np.flatnonzero(valid), layout.offsets[column] + values[valid]] = 1
        return encoded

    def option_counts(self, rows: np.ndarray, granularity: Granularity, column: int) -> np.ndarray:
        """Return how many of ``rows`` chose each option of the question in ``column``."""
        layout = self.layouts[granularity]
        values = self.answers[granularity][rows, column].astype(np.int64)
        return np.bincount(values[values >= 0], minlength=int(layout.n_options[column]))


def instance_seed(seed: int, instance: TaskInstance, granularity: Granularity) -> list[int]:
    """Return a seed sequence for one instance that does not depend on the order instances are scored in."""
    key = f"{instance.respondent_id}:{instance.setup}:{instance.demos}:{granularity}".encode()
    return [seed, int.from_bytes(hashlib.sha256(key).digest()[:8], "little")]

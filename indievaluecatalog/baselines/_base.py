"""Shared scaffolding of the statistical baselines: batching and turning option indices into Predictions."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from indievaluecatalog.baselines._answers import AnswerTable
from indievaluecatalog.codebook import Granularity
from indievaluecatalog.scoring import Prediction
from indievaluecatalog.splits._records import TaskInstance


def break_ties(counts: np.ndarray, prior: np.ndarray) -> int:
    """Return the option with the most votes; ties go to the option with the larger ``prior``, then the lower index."""
    best = counts == counts.max()
    candidates = np.flatnonzero(best)
    return int(candidates[np.argmax(prior[candidates])])


class BaselineScorer:
    """Base of the baselines: subclasses return option indices for a batch of instances."""

    name = "baseline"
    batch_size = 64

    def __init__(self, table: AnswerTable) -> None:
        self.table = table
        self._prior: dict[tuple[Granularity, int], np.ndarray] = {}

    def prior(self, granularity: Granularity, column: int) -> np.ndarray:
        """Return the training pool's option counts of one question (cached)."""
        key = (granularity, column)
        if key not in self._prior:
            self._prior[key] = self.table.option_counts(self.table.train_rows, granularity, column)
        return self._prior[key]

    def describe(self) -> dict[str, object]:
        """Return the baseline's settings, saved with the results."""
        return {"name": self.name}

    def predict_batch(self, instances: Sequence[TaskInstance], granularity: Granularity) -> list[list[int]]:
        """Return the option index of every probe of every instance."""
        return [self.predict_instance(instance, granularity) for instance in instances]

    def predict_instance(self, instance: TaskInstance, granularity: Granularity) -> list[int]:
        """Return the option index of every probe of one instance."""
        raise NotImplementedError

    def predict(self, instances: Sequence[TaskInstance], granularity: Granularity) -> Iterator[Prediction]:
        """Yield one Prediction per probe of each instance, in instance then probe order."""
        for start in range(0, len(instances), self.batch_size):
            batch = instances[start : start + self.batch_size]
            for instance in batch:
                self.table.row(instance.respondent_id)
            for instance, choices in zip(batch, self.predict_batch(batch, granularity), strict=True):
                for probe, choice in zip(instance.probes, choices, strict=True):
                    yield Prediction(
                        respondent_id=instance.respondent_id,
                        setup=instance.setup,
                        demos=instance.demos,
                        granularity=granularity,
                        question_id=probe.question_id,
                        predicted=choice,
                        gold=probe.answer(granularity),
                    )

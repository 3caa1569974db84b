"""The resemblance baseline: majority answer of the training people whose answers most resemble the person's."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from indievaluecatalog.baselines._answers import AnswerTable
from indievaluecatalog.baselines._base import BaselineScorer, break_ties
from indievaluecatalog.codebook import Granularity
from indievaluecatalog.splits._records import TaskInstance

# Training rows turned into float32 at a time for the similarity product. This bounds the block's memory to
# CHUNK_ROWS x options x 4 bytes, 30 MB at the refined granularity (929 options).
CHUNK_ROWS = 8192


class ResemblanceScorer(BaselineScorer):
    """Nearest neighbours by shared answers.

    The person's known answers (the instance's demonstrations) form a one-hot vector over the options of every
    value question at the scored granularity. Its dot product with a training person's one-hot vector counts the
    demonstration questions on which the two chose the same option. For each probe, the ``k`` most similar
    training people who answered the probe vote, and the most frequent option wins (a tie goes to the option
    more frequent in the whole training pool). Equal similarities are ordered by a seeded shuffle of the pool.
    """

    name = "resemblance"
    batch_size = 128

    def __init__(self, table: AnswerTable, *, k: int = 50, seed: int = 0) -> None:
        super().__init__(table)
        if k < 1:
            raise ValueError(f"k must be at least 1, not {k}")
        self.k = k
        self.seed = seed
        rng = np.random.default_rng(seed)
        self._pool = table.train_rows[rng.permutation(len(table.train_rows))]
        self._answers: dict[Granularity, np.ndarray] = {}
        self._one_hot: dict[Granularity, np.ndarray] = {}

    def describe(self) -> dict[str, object]:
        return {
            "name": self.name,
            "k": self.k,
            "seed": self.seed,
            "similarity": "shared answers (one-hot dot product)",
        }

    def _pool_arrays(self, granularity: Granularity) -> tuple[np.ndarray, np.ndarray]:
        if granularity not in self._answers:
            answers = self.table.answers[granularity][self._pool]
            self._answers[granularity] = answers
            self._one_hot[granularity] = self.table.one_hot(answers, granularity)
        return self._answers[granularity], self._one_hot[granularity]

    def similarities(self, instances: Sequence[TaskInstance], granularity: Granularity) -> np.ndarray:
        """Return shared-answer counts (instances x training people, in the shuffled pool order)."""
        _, one_hot = self._pool_arrays(granularity)
        layout = self.table.layouts[granularity]
        vectors = np.zeros((len(instances), layout.width), dtype=np.float32)
        for position, instance in enumerate(instances):
            columns, values = self.table.known_answers(instance, granularity)
            vectors[position, layout.offsets[columns] + values] = 1.0
        result = np.empty((len(instances), one_hot.shape[0]), dtype=np.float32)
        for start in range(0, one_hot.shape[0], CHUNK_ROWS):
            block = one_hot[start : start + CHUNK_ROWS].astype(np.float32)
            result[:, start : start + CHUNK_ROWS] = vectors @ block.T
        return result

    def predict_batch(self, instances: Sequence[TaskInstance], granularity: Granularity) -> list[list[int]]:
        answers, _ = self._pool_arrays(granularity)
        similarity = self.similarities(instances, granularity)
        # Most people answer most probes, so a few times k candidates nearly always hold k who answered.
        shortlist = min(len(self._pool), 4 * self.k)
        results = []
        for position, instance in enumerate(instances):
            order = np.argsort(-similarity[position], kind="stable")
            candidates = order[:shortlist]
            choices = []
            for probe in instance.probes:
                column = self.table.column(probe.question_id)
                votes = answers[candidates, column]
                votes = votes[votes >= 0]
                if len(votes) < self.k:
                    votes = answers[order, column]
                    votes = votes[votes >= 0]
                votes = votes[: self.k].astype(np.int64)
                counts = np.bincount(votes, minlength=int(self.table.layouts[granularity].n_options[column]))
                choices.append(break_ties(counts, self.prior(granularity, column)))
            results.append(choices)
        return results

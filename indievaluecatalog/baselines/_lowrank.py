"""A learned baseline: low-rank (probabilistic PCA) completion of the one-hot answer matrix."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from indievaluecatalog.baselines._answers import AnswerTable
from indievaluecatalog.baselines._base import BaselineScorer, break_ties
from indievaluecatalog.codebook import Granularity
from indievaluecatalog.splits._records import TaskInstance

logger = logging.getLogger(__name__)

CHUNK_ROWS = 8192


@dataclass(frozen=True)
class LowRankModel:
    """Principal components of the training pool's centred one-hot answers at one granularity."""

    mean: np.ndarray
    """Share of the question's answerers who chose each option (options,)."""
    components: np.ndarray
    """Top principal directions (options x rank), orthonormal columns."""
    variances: np.ndarray
    """Variance along each direction (rank,)."""
    noise: float
    """Mean variance left outside the components, per option."""


class LowRankScorer(BaselineScorer):
    """Predict probes from the demonstrations through the training pool's principal components.

    Training: each training person becomes a one-hot vector over all options, centred by the option shares.
    A question the person did not answer contributes zeros, which is mean imputation. The top ``rank`` eigenvectors of
    the covariance and the residual variance define a probabilistic PCA model. Scoring: the latent position of
    the person is the posterior mean given only the options of the demonstration questions
    (z = (W_O' W_O + noise * diag(1 / variances))^-1 W_O' (x_O - mean_O)); each probe's options are
    reconstructed as mean + W z and the largest wins. With no demonstrations this is the global majority.
    """

    name = "lowrank"

    def __init__(self, table: AnswerTable, *, rank: int = 32) -> None:
        super().__init__(table)
        if rank < 1:
            raise ValueError(f"rank must be at least 1, not {rank}")
        self.rank = rank
        self._models: dict[Granularity, LowRankModel] = {}

    def describe(self) -> dict[str, object]:
        return {"name": self.name, "rank": self.rank, "model": "probabilistic PCA on one-hot answers"}

    def model(self, granularity: Granularity) -> LowRankModel:
        """Return the fitted model of ``granularity``, fitting it on first use."""
        if granularity not in self._models:
            self._models[granularity] = self._fit(granularity)
        return self._models[granularity]

    def _fit(self, granularity: Granularity) -> LowRankModel:
        layout = self.table.layouts[granularity]
        answers = self.table.train_answers(granularity)
        answered = answers >= 0
        option_question = np.repeat(np.arange(len(layout.n_options)), layout.n_options)
        chosen = self.table.one_hot(answers, granularity).sum(axis=0, dtype=np.float64)
        answerers = answered.sum(axis=0).astype(np.float64)[option_question]
        mean = np.divide(chosen, answerers, out=np.zeros_like(chosen), where=answerers > 0)

        covariance = np.zeros((layout.width, layout.width), dtype=np.float64)
        for start in range(0, answers.shape[0], CHUNK_ROWS):
            block = answers[start : start + CHUNK_ROWS]
            centred = self.table.one_hot(block, granularity).astype(np.float64) - mean
            centred[~(block >= 0)[:, option_question]] = 0.0
            covariance += centred.T @ centred
        covariance /= max(answers.shape[0], 1)

        eigenvalues, eigenvectors = np.linalg.eigh(covariance)
        order = np.argsort(eigenvalues)[::-1]
        rank = min(self.rank, layout.width - 1)
        top = order[:rank]
        variances = np.maximum(eigenvalues[top], 1e-9)
        noise = float(max((np.trace(covariance) - variances.sum()) / max(layout.width - rank, 1), 1e-6))
        logger.info("low-rank model %s: rank %d, noise variance %.4f", granularity, rank, noise)
        return LowRankModel(mean=mean, components=eigenvectors[:, top], variances=variances, noise=noise)

    def predict_instance(self, instance: TaskInstance, granularity: Granularity) -> list[int]:
        model = self.model(granularity)
        layout = self.table.layouts[granularity]
        columns, values = self.table.known_answers(instance, granularity)
        observed = np.concatenate(
            [np.arange(layout.offsets[c], layout.offsets[c + 1]) for c in columns]
            or [np.zeros(0, dtype=np.int64)]
        ).astype(np.int64)
        target = np.zeros(layout.width)
        target[layout.offsets[columns] + values] = 1.0
        residual = target[observed] - model.mean[observed]
        loadings = model.components[observed]
        system = loadings.T @ loadings + np.diag(model.noise / model.variances)
        latent = np.linalg.solve(system, loadings.T @ residual)

        choices = []
        for probe in instance.probes:
            column = self.table.column(probe.question_id)
            options = slice(int(layout.offsets[column]), int(layout.offsets[column + 1]))
            scores = model.mean[options] + model.components[options] @ latent
            best = np.isclose(scores, scores.max())
            choices.append(break_ties(best.astype(np.int64), self.prior(granularity, column)))
        return choices

"""Bootstrap intervals over people, and the likelihood scores of log-likelihood scoring."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indievaluecatalog.codebook import Granularity
from indievaluecatalog.metrics._accuracy import person_setup_matrix


@dataclass(frozen=True)
class Interval:
    """A two-sided confidence interval, as fractions like the accuracy it bounds."""

    low: float
    high: float
    confidence: float


def bootstrap_accuracy(
    table: pd.DataFrame,
    granularities: Sequence[Granularity],
    *,
    n_resamples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> dict[str, Interval]:
    """Return percentile intervals of accuracy per granularity and of their mean (key ``overall``).

    People are resampled with replacement, because the answers of one person are not independent. Each
    resample draws the same people for every granularity, so the ``overall`` interval keeps their correlation.
    """
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be at least 1, not {n_resamples}")
    matrices = {g: person_setup_matrix(table, g) for g in granularities}
    people = sorted(set().union(*(m.index for m in matrices.values())))
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(people), size=(n_resamples, len(people)))

    estimates: dict[str, np.ndarray] = {}
    for granularity, matrix in matrices.items():
        values = matrix.reindex(people).to_numpy(dtype="float64")
        resampled = values[draws]  # resamples x people x setups
        with warnings.catch_warnings():
            # A resample can miss every person of a setup, and then that setup drops out of the mean.
            warnings.simplefilter("ignore", RuntimeWarning)
            per_setup = np.nanmean(resampled, axis=1)
        estimates[granularity] = np.nanmean(per_setup, axis=1)
    if len(estimates) > 1:
        estimates["overall"] = np.mean(np.stack(list(estimates.values())), axis=0)

    tail = (1.0 - confidence) / 2.0 * 100.0
    return {
        key: Interval(
            low=float(np.nanpercentile(values, tail)),
            high=float(np.nanpercentile(values, 100.0 - tail)),
            confidence=confidence,
        )
        for key, values in estimates.items()
    }


@dataclass(frozen=True)
class LikelihoodScores:
    """Mean negative log-likelihood (nats) and multi-class Brier score of the gold option."""

    nll: float
    brier: float
    probes: int


def likelihood_scores(table: pd.DataFrame, granularity: Granularity) -> LikelihoodScores | None:
    """Return NLL and Brier score over the rows that carry option log-probabilities, or None when none do.

    The Brier score is the sum over options of (probability - indicator of the gold option) squared, averaged
    over probes: 0 is perfect, 2 the worst.
    """
    if "option_logprobs" not in table.columns:
        return None
    rows = table[(table["granularity"] == granularity) & table["option_logprobs"].notna()]
    if rows.empty:
        return None
    nll_total = 0.0
    brier_total = 0.0
    for logprobs, gold in zip(rows["option_logprobs"], rows["gold"], strict=True):
        values = np.asarray(logprobs, dtype="float64")
        probabilities = np.exp(values)
        target = np.zeros_like(probabilities)
        target[int(gold)] = 1.0
        nll_total += -float(values[int(gold)])
        brier_total += float(np.sum((probabilities - target) ** 2))
    count = len(rows)
    return LikelihoodScores(nll=nll_total / count, brier=brier_total / count, probes=count)


def parse_failures(table: pd.DataFrame, granularity: Granularity) -> dict[str, int]:
    """Return counts of unparsed answers and of probes that needed a retry, at one granularity."""
    rows = table[table["granularity"] == granularity]
    failed = int(rows["parse_failed"].fillna(False).astype(bool).sum()) if "parse_failed" in rows else 0
    retried = int((pd.to_numeric(rows["attempts"]) > 1).sum()) if "attempts" in rows else 0
    unanswered = int(rows["predicted"].isna().sum())
    return {"parse_failed": failed, "retried": retried, "unanswered": unanswered, "probes": len(rows)}

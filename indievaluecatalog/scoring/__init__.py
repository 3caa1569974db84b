"""The scorer contract: models and baselines predict options for task instances through one interface."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from indievaluecatalog.codebook import Granularity
from indievaluecatalog.splits._records import TaskInstance


@dataclass(frozen=True)
class Prediction:
    """A scorer's answer for one probe of one task instance at one granularity."""

    respondent_id: str
    setup: int
    demos: str
    granularity: Granularity
    question_id: str
    predicted: int | None
    """Zero-based option index, or None when the answer could not be parsed after every retry."""
    gold: int
    option_logprobs: tuple[float, ...] | None = None
    """Log-probability of each option (log-likelihood scoring), normalized over the options; None otherwise."""
    attempts: int = 1
    """Generation attempts used (1 for log-likelihood scoring and baselines)."""
    parse_failed: bool = False
    raw_output: str | None = None
    """Model text for generation formats, kept for auditing parse failures."""


@runtime_checkable
class Scorer(Protocol):
    """Anything that predicts the person's option for every probe of a batch of task instances."""

    name: str

    def predict(self, instances: Sequence[TaskInstance], granularity: Granularity) -> Iterator[Prediction]:
        """Yield one Prediction per probe of each instance, in instance then probe order."""
        ...

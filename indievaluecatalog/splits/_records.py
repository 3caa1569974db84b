"""Typed task instances: what a scorer sees for one person and setup."""

from __future__ import annotations

from dataclasses import dataclass

from indievaluecatalog.codebook import Granularity


@dataclass(frozen=True)
class Probe:
    """One held-out question of a task instance."""

    question_id: str
    category: str
    wording: str
    """The question wording, for prompt formats that show it."""
    polar_options: tuple[str, ...]
    """Statements of the question's polar options, in option order."""
    refined_options: tuple[str, ...]
    polar_answer: int
    """Zero-based index of the person's polar option."""
    refined_answer: int

    def options(self, granularity: Granularity) -> tuple[str, ...]:
        """Return the option statements at ``granularity``."""
        return self.polar_options if granularity == "polar" else self.refined_options

    def answer(self, granularity: Granularity) -> int:
        """Return the index of the person's option at ``granularity``."""
        return self.polar_answer if granularity == "polar" else self.refined_answer


@dataclass(frozen=True)
class TaskInstance:
    """One person, one probe setup and one number of demonstrations: the unit a prompt is built for."""

    respondent_id: str
    setup: int
    """Probe setup 0, 1 or 2."""
    demos: str
    """Number of demonstrations as published: "0", "50", "100", "150", "200" or "mixed" (50-200)."""
    demonstrations_polar: tuple[str, ...]
    """Statements of the person's demonstration answers at the polar granularity, in sampled order."""
    demonstrations_refined: tuple[str, ...]
    """The same demonstration questions at the refined granularity."""
    demonstration_questions: tuple[str, ...]
    demographics: tuple[str, ...]
    """The person's demographic statements, for the demographics conditions."""
    probes: tuple[Probe, ...]

    def demonstrations(self, granularity: Granularity) -> tuple[str, ...]:
        """Return the demonstration statements at ``granularity``."""
        return self.demonstrations_polar if granularity == "polar" else self.demonstrations_refined

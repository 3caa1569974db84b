"""Reference numbers of Jiang et al., "Can Language Models Reason about Individualistic Human Values and
Preferences?" (arXiv 2410.03868, ACL 2025): real WVS-7 data, 800 evaluation people, 200 demonstrations.

Accuracies are percentages.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReferenceResult:
    """One method's accuracy as published."""

    method: str
    polar: float
    refined: float
    overall: float


REFERENCE_DEMOS = "200"
"""Demonstrations per person behind the published numbers; runs with another count are not comparable."""

REFERENCE_RESULTS: tuple[ReferenceResult, ...] = (
    ReferenceResult("random choice", 45.37, 27.87, 36.62),
    ReferenceResult("global majority per question", 64.95, 48.70, 56.83),
    ReferenceResult('nearest-neighbour "resemblance" over training people', 73.73, 59.47, 66.60),
    ReferenceResult("GPT-4o, no statements", 54.79, 33.06, 43.93),
    ReferenceResult("GPT-4o, demographics only", 60.31, 40.69, 50.50),
    ReferenceResult("GPT-4o, 200 statements", 63.46, 35.59, 49.52),
    ReferenceResult("Llama-3.1-8B-Instruct, 200 statements", 54.34, 37.97, 46.16),
    ReferenceResult("IndieValueReasoner (Llama-3.1-8B fine-tuned)", 74.74, 60.60, 67.67),
)

REFERENCE_INEQUITY: tuple[tuple[str, str], ...] = (
    ("Llama-3.1-70B", "1.94"),
    ("GPT-4o", "2.87-3.03"),
    ("Llama-3.1-8B", "2.97"),
    ("IndieValueReasoner", "2.22"),
)
"""Value Inequity Index at 200 statements, as published (GPT-4o varies with the prompt)."""

BASELINE_REFERENCE: dict[str, str] = {
    "random": "random choice",
    "majority": "global majority per question",
    "resemblance": 'nearest-neighbour "resemblance" over training people',
}
"""Baselines of this package that reproduce a published method."""

"""Seeded demonstrations: which of a person's answers are shown for one setup and number of demonstrations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from indievaluecatalog.errors import SplitError
from indievaluecatalog.splits._seeding import stable_generator

DEMO_COUNTS: tuple[str, ...] = ("0", "50", "100", "150", "200", "mixed")
"""Numbers of demonstrations as published; "mixed" is a seeded count per person and setup."""
MIXED_RANGE = (50, 200)
"""Inclusive range of the "mixed" count."""


def check_demos(demos: str | int) -> str:
    """Return ``demos`` as its published string; raise SplitError for a value outside DEMO_COUNTS."""
    text = str(demos)
    if text not in DEMO_COUNTS:
        raise SplitError(
            f"Unknown number of demonstrations {demos!r}.", hint=f"use one of {', '.join(DEMO_COUNTS)}"
        )
    return text


@dataclass(frozen=True)
class DemonstrationDraw:
    """The demonstration questions drawn for one person, setup and number of demonstrations."""

    requested: int
    """N, or the seeded count for "mixed"."""
    questions: tuple[str, ...]
    """Question ids in sampled order; fewer than ``requested`` when the person has fewer valid answers."""

    @property
    def short(self) -> bool:
        """True when the person had fewer valid answers than requested and all of them were taken."""
        return len(self.questions) < self.requested


def draw_demonstrations(
    pool: Sequence[str], *, seed: int, respondent_id: str, setup: int, demos: str, variant: str = ""
) -> DemonstrationDraw:
    """Draw demonstrations from ``pool`` (the person's valid non-probe questions, in codebook order).

    The generator is keyed by (seed, respondent_id, setup, demos, variant), so one person's draw never depends
    on who else is drawn or in which order. ``variant`` separates draws of other splits (e.g. held-out
    categories) from the published ones.
    """
    demos = check_demos(demos)
    rng = stable_generator(seed, "demonstrations", respondent_id, setup, demos, variant)
    mixed = demos == "mixed"
    requested = int(rng.integers(MIXED_RANGE[0], MIXED_RANGE[1] + 1)) if mixed else int(demos)
    take = min(requested, len(pool))
    if take == 0:
        return DemonstrationDraw(requested=requested, questions=())
    chosen = rng.choice(len(pool), size=take, replace=False)
    return DemonstrationDraw(requested=requested, questions=tuple(pool[int(i)] for i in chosen))

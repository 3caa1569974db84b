"""Seeded demonstrations: which of a person's answers are shown for one setup and number of demonstrations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

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
    requested, chosen = draw_positions(
        len(pool), seed=seed, respondent_id=respondent_id, setup=setup, demos=demos, variant=variant
    )
    return DemonstrationDraw(requested=requested, questions=tuple(pool[int(i)] for i in chosen))


def draw_positions(
    pool_size: int, *, seed: int, respondent_id: str, setup: int, demos: str, variant: str = ""
) -> tuple[int, npt.NDArray[np.int64]]:
    """Return the requested count and the drawn positions in a pool of ``pool_size`` questions, in sampled order.

    The draw of :func:`draw_demonstrations` without the question ids, for callers that keep the pool as an
    array. ``demos`` must already be checked with :func:`check_demos`.
    """
    rng = stable_generator(seed, "demonstrations", respondent_id, setup, demos, variant)
    mixed = demos == "mixed"
    requested = int(rng.integers(MIXED_RANGE[0], MIXED_RANGE[1] + 1)) if mixed else int(demos)
    take = min(requested, pool_size)
    if take == 0:
        return requested, np.empty(0, dtype=np.int64)
    chosen: npt.NDArray[np.int64] = rng.choice(pool_size, size=take, replace=False)
    return requested, chosen

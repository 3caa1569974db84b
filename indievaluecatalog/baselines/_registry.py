"""Baselines by name, for the command line and the evaluation runner."""

from __future__ import annotations

import difflib
from typing import Any

from indievaluecatalog.baselines._answers import AnswerTable
from indievaluecatalog.baselines._base import BaselineScorer
from indievaluecatalog.baselines._lowrank import LowRankScorer
from indievaluecatalog.baselines._resemblance import ResemblanceScorer
from indievaluecatalog.baselines._simple import DemographicCellScorer, MajorityScorer, RandomScorer
from indievaluecatalog.errors import EvaluationError

BASELINES: dict[str, str] = {
    "random": "uniform guess among the options (seeded)",
    "majority": "most frequent option of the question in the training pool",
    "demographic-majority": "most frequent option among training people of the same country x sex x age band",
    "resemblance": "majority of the k training people sharing the most demonstration answers",
    "lowrank": "probabilistic PCA completion of the one-hot answers (learned)",
}


def make_baseline(name: str, table: AnswerTable, *, seed: int = 0, **options: Any) -> BaselineScorer:
    """Return the baseline scorer ``name`` over ``table``; ``options`` set its parameters (k, rank, min_cell).

    Raises EvaluationError for an unknown name or an option the baseline does not take.
    """
    try:
        if name == "random":
            return RandomScorer(table, seed=seed, **options)
        if name == "majority":
            return MajorityScorer(table, **options)
        if name == "demographic-majority":
            return DemographicCellScorer(table, **options)
        if name == "resemblance":
            return ResemblanceScorer(table, seed=seed, **options)
        if name == "lowrank":
            return LowRankScorer(table, **options)
    except TypeError as error:
        raise EvaluationError(
            f"Invalid option for baseline {name!r}: {error}.",
            hint="resemblance takes k, lowrank takes rank, demographic-majority takes min_cell",
        ) from None
    close = difflib.get_close_matches(name, list(BASELINES), n=2)
    suggestion = f" Did you mean {' or '.join(close)}?" if close else ""
    raise EvaluationError(
        f"Unknown baseline {name!r}.{suggestion}",
        hint=f"choose one of: {', '.join(BASELINES)}",
    )

"""Baselines by name, for the command line and the evaluation runner."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
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


@dataclass(frozen=True)
class IntegerOption:
    """An integer setting of a baseline, passed as ``--option NAME=VALUE``."""

    name: str
    minimum: int
    default: int
    meaning: str


BASELINE_OPTIONS: dict[str, tuple[IntegerOption, ...]] = {
    "random": (),
    "majority": (),
    "demographic-majority": (
        IntegerOption("min_cell", 1, 20, "fewest answering training people before a cell widens"),
    ),
    "resemblance": (IntegerOption("k", 1, 50, "training people who vote; more than the pool means all"),),
    "lowrank": (IntegerOption("rank", 1, 32, "principal components; capped at the number of options - 1"),),
}
"""The options each baseline takes, with their valid range and default."""


def check_baseline_options(name: str, options: Mapping[str, Any]) -> None:
    """Raise EvaluationError for an unknown baseline, an option it does not take or a value out of range.

    Reads no data, so an evaluation can reject a bad ``--option`` before it writes its run directory.
    """
    if name not in BASELINES:
        close = difflib.get_close_matches(name, list(BASELINES), n=2)
        suggestion = f" Did you mean {' or '.join(close)}?" if close else ""
        raise EvaluationError(
            f"Unknown baseline {name!r}.{suggestion}",
            hint=f"choose one of: {', '.join(BASELINES)}",
        )
    accepted = {option.name: option for option in BASELINE_OPTIONS[name]}
    for key, value in options.items():
        option = accepted.get(key)
        if option is None:
            takes = ", ".join(accepted) if accepted else "no options"
            raise EvaluationError(
                f"Unknown option {key!r} for baseline {name!r}; it takes {takes}.",
                hint="resemblance takes k, lowrank takes rank, demographic-majority takes min_cell, "
                "random and majority take none",
            )
        # bool is a subclass of int, so k=true would otherwise pass as k=1.
        if not isinstance(value, int) or isinstance(value, bool) or value < option.minimum:
            raise EvaluationError(
                f"Invalid value {value!r} for option {key!r} of baseline {name!r}: expected an integer of "
                f"at least {option.minimum} ({option.meaning}).",
                hint=f"pass --option {key}=N with a whole number N >= {option.minimum}; "
                f"the default is {option.default}",
            )


def make_baseline(name: str, table: AnswerTable, *, seed: int = 0, **options: Any) -> BaselineScorer:
    """Return the baseline scorer ``name`` over ``table``; ``options`` set its parameters (k, rank, min_cell).

    Raises EvaluationError for an unknown name, an option the baseline does not take, or an option value out
    of the range that ``BASELINE_OPTIONS`` gives.
    """
    check_baseline_options(name, options)
    if name == "random":
        return RandomScorer(table, seed=seed)
    if name == "majority":
        return MajorityScorer(table)
    if name == "demographic-majority":
        return DemographicCellScorer(table, **options)
    if name == "resemblance":
        return ResemblanceScorer(table, seed=seed, **options)
    return LowRankScorer(table, **options)

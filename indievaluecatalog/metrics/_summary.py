"""All metrics of a predictions table gathered into one JSON-ready summary."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from indievaluecatalog.codebook import GRANULARITIES, Granularity
from indievaluecatalog.metrics._accuracy import (
    accuracy,
    accuracy_by_category,
    chance_accuracy,
    chance_adjusted_accuracy,
    person_accuracy,
)
from indievaluecatalog.metrics._groups import InequityReport, value_inequity_index
from indievaluecatalog.metrics._table import check_predictions
from indievaluecatalog.metrics._uncertainty import bootstrap_accuracy, likelihood_scores, parse_failures


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else value


def _inequity_json(report: InequityReport) -> dict[str, Any]:
    dimensions = {}
    for part in report.dimensions:
        worst = part.worst
        dimensions[part.dimension] = {
            "std_percent": _finite(part.std_percent),
            "left_out": part.left_out,
            "worst_group": None if worst is None else {"group": worst.group, "accuracy": worst.accuracy},
            "groups": {g.group: {"accuracy": g.accuracy, "people": g.people} for g in part.groups},
        }
    return {"index": _finite(report.index), "dimensions": dimensions}


def summarize_predictions(
    table: pd.DataFrame,
    *,
    people: pd.DataFrame | None = None,
    dimensions: Mapping[str, str] | None = None,
    bootstrap: int = 1000,
    seed: int = 0,
) -> dict[str, Any]:
    """Return every metric of ``table`` as a JSON-ready mapping (accuracies as fractions).

    ``people`` (indexed by respondent id) and ``dimensions`` (dimension name to column of ``people``) enable
    the per-group accuracies and the Value Inequity Index. ``bootstrap`` resamples of people, drawn from
    ``seed``, give 95% intervals; 0 skips them.
    """
    check_predictions(table)
    present: list[Granularity] = [g for g in GRANULARITIES if (table["granularity"] == g).any()]
    if not present:
        raise ValueError("predictions table has no rows at the polar or refined granularity")

    summary: dict[str, Any] = {"people": int(table["respondent_id"].nunique()), "granularities": {}}
    for granularity in present:
        rows = table[table["granularity"] == granularity]
        entry: dict[str, Any] = {
            "accuracy": accuracy(table, granularity),
            "chance": chance_accuracy(table, granularity),
            "chance_adjusted_accuracy": chance_adjusted_accuracy(table, granularity),
            "probes": len(rows),
            "by_setup": {
                str(setup): accuracy(group, granularity) for setup, group in rows.groupby("setup", sort=True)
            },
            "by_category": accuracy_by_category(table, granularity),
            "generation": parse_failures(table, granularity),
        }
        scores = likelihood_scores(table, granularity)
        if scores is not None:
            entry["nll"] = scores.nll
            entry["brier"] = scores.brier
        if people is not None and dimensions:
            report = value_inequity_index(person_accuracy(table, granularity), people, dimensions)
            entry["inequity"] = _inequity_json(report)
        summary["granularities"][granularity] = entry

    if len(present) == len(GRANULARITIES):
        polar = summary["granularities"]["polar"]
        refined = summary["granularities"]["refined"]
        summary["overall"] = {"accuracy": (polar["accuracy"] + refined["accuracy"]) / 2.0}
        if "inequity" in polar and "inequity" in refined:
            indices = [polar["inequity"]["index"], refined["inequity"]["index"]]
            known = [value for value in indices if value is not None]
            summary["overall"]["inequity_index"] = sum(known) / len(known) if known else None

    if bootstrap > 0:
        intervals = bootstrap_accuracy(table, present, n_resamples=bootstrap, seed=seed)
        for key, interval in intervals.items():
            target = summary["overall"] if key == "overall" else summary["granularities"][key]
            target["ci95"] = [interval.low, interval.high]
        summary["bootstrap"] = {"resamples": bootstrap, "seed": seed, "unit": "respondent"}
    return summary

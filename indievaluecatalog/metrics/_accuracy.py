"""Accuracy aggregated the protocol's way: over probes per person, then over people, then over setups."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indievaluecatalog.codebook import Granularity
from indievaluecatalog.metrics._table import check_predictions, correct_column


def _select(table: pd.DataFrame, granularity: Granularity) -> pd.DataFrame:
    check_predictions(table)
    rows = table[table["granularity"] == granularity]
    if rows.empty:
        raise ValueError(f"predictions table has no rows at granularity {granularity!r}")
    return rows


def person_setup_matrix(
    table: pd.DataFrame, granularity: Granularity, values: pd.Series | None = None
) -> pd.DataFrame:
    """Return a people x setups frame of per-person means over probes (NaN where a person lacks a setup).

    ``values`` defaults to the correctness of each row; pass another per-row series (e.g. per-probe chance)
    to aggregate it the same way.
    """
    rows = _select(table, granularity)
    column = correct_column(rows) if values is None else values.loc[rows.index].astype("float64")
    frame = pd.DataFrame({"respondent_id": rows["respondent_id"], "setup": rows["setup"], "value": column})
    means = frame.groupby(["respondent_id", "setup"], sort=True)["value"].mean()
    return means.unstack("setup")


def aggregate_matrix(matrix: pd.DataFrame | np.ndarray) -> float:
    """Average a people x setups matrix over people per setup, then over setups."""
    values = np.asarray(matrix, dtype="float64")
    per_setup = np.nanmean(values, axis=0)
    return float(np.mean(per_setup))


def accuracy(table: pd.DataFrame, granularity: Granularity) -> float:
    """Return accuracy as a fraction: per person over probes, then over people, then over setups."""
    return aggregate_matrix(person_setup_matrix(table, granularity))


def person_accuracy(table: pd.DataFrame, granularity: Granularity) -> pd.Series:
    """Return each person's accuracy: the mean over their setups of their mean over probes."""
    matrix = person_setup_matrix(table, granularity)
    return matrix.mean(axis=1, skipna=True).rename("accuracy")


def chance_accuracy(table: pd.DataFrame, granularity: Granularity) -> float:
    """Return the accuracy expected from a uniform guess (1 / options per probe), aggregated like accuracy."""
    chance = 1.0 / pd.to_numeric(table["n_options"]).astype("float64")
    return aggregate_matrix(person_setup_matrix(table, granularity, chance))


def chance_adjusted_accuracy(table: pd.DataFrame, granularity: Granularity) -> float:
    """Return (accuracy - chance) / (1 - chance): 0 for a uniform guess, 1 for a perfect scorer."""
    chance = chance_accuracy(table, granularity)
    return (accuracy(table, granularity) - chance) / (1.0 - chance)


def accuracy_by_category(table: pd.DataFrame, granularity: Granularity) -> dict[str, float]:
    """Return accuracy per WVS category, each aggregated over the probes of that category only."""
    rows = _select(table, granularity)
    return {
        str(category): accuracy(group, granularity) for category, group in rows.groupby("category", sort=True)
    }

"""Accuracy per demographic group and the Value Inequity Index."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class GroupAccuracy:
    """Mean person accuracy of one group of one demographic dimension."""

    group: str
    accuracy: float
    people: int


@dataclass(frozen=True)
class DimensionInequity:
    """Group accuracies of one dimension and the spread between them."""

    dimension: str
    groups: tuple[GroupAccuracy, ...]
    """Groups sorted by name; people with a missing value on the dimension belong to none."""
    std_percent: float
    """Sample standard deviation (ddof 1) of the group means, in percentage points; NaN with fewer than 2 groups."""
    left_out: int
    """People with a missing value on the dimension."""

    @property
    def worst(self) -> GroupAccuracy | None:
        """The group with the lowest accuracy (the first by name on a tie), or None without groups."""
        if not self.groups:
            return None
        return min(self.groups, key=lambda g: (g.accuracy, g.group))


@dataclass(frozen=True)
class InequityReport:
    """The Value Inequity Index and its per-dimension parts."""

    index: float
    """Mean of ``std_percent`` over the dimensions that have at least two groups; lower is more equitable."""
    dimensions: tuple[DimensionInequity, ...]


def group_accuracy(person_accuracy: pd.Series, groups: pd.Series) -> DimensionInequity:
    """Return the mean accuracy per group of one dimension and the sample standard deviation of those means.

    ``person_accuracy`` and ``groups`` are indexed by respondent id; a person whose group is missing (null or
    absent from ``groups``) is left out.
    """
    aligned = groups.reindex(person_accuracy.index)
    known = aligned.notna()
    frame = pd.DataFrame({"accuracy": person_accuracy[known], "group": aligned[known].astype(str)})
    summary = frame.groupby("group", sort=True)["accuracy"].agg(["mean", "size"])
    records = tuple(
        GroupAccuracy(group=str(name), accuracy=float(row["mean"]), people=int(row["size"]))
        for name, row in summary.iterrows()
    )
    means = np.array([record.accuracy for record in records], dtype="float64")
    spread = float(np.std(means, ddof=1) * 100.0) if len(means) >= 2 else math.nan
    return DimensionInequity(
        dimension=str(groups.name),
        groups=records,
        std_percent=spread,
        left_out=int((~known).sum()),
    )


def value_inequity_index(
    person_accuracy: pd.Series, people: pd.DataFrame, dimensions: Sequence[str] | Mapping[str, str]
) -> InequityReport:
    """Return the Value Inequity Index over ``dimensions``.

    ``people`` is indexed by respondent id with one column per dimension. ``dimensions`` lists the dimension
    names, or maps each dimension name to its column in ``people``. A dimension with fewer than two groups
    has no spread and is left out of the average.
    """
    columns = dict(dimensions) if isinstance(dimensions, Mapping) else {name: name for name in dimensions}
    parts = []
    for dimension, column in columns.items():
        if column not in people.columns:
            raise ValueError(f"people table lacks the column {column!r} of dimension {dimension!r}")
        parts.append(group_accuracy(person_accuracy, people[column].rename(dimension)))
    spreads = [part.std_percent for part in parts if not math.isnan(part.std_percent)]
    index = float(np.mean(spreads)) if spreads else math.nan
    return InequityReport(index=index, dimensions=tuple(parts))

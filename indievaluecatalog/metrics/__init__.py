"""Metrics of the task: pure functions over a predictions table, kept apart from the scorers that fill it."""

from indievaluecatalog.metrics._accuracy import (
    accuracy,
    accuracy_by_category,
    chance_accuracy,
    chance_adjusted_accuracy,
    person_accuracy,
    person_setup_matrix,
)
from indievaluecatalog.metrics._groups import (
    DimensionInequity,
    GroupAccuracy,
    InequityReport,
    group_accuracy,
    value_inequity_index,
)
from indievaluecatalog.metrics._summary import summarize_predictions
from indievaluecatalog.metrics._table import REQUIRED_COLUMNS, check_predictions, correct_column
from indievaluecatalog.metrics._uncertainty import (
    Interval,
    LikelihoodScores,
    bootstrap_accuracy,
    likelihood_scores,
    parse_failures,
)

__all__ = [
    "REQUIRED_COLUMNS",
    "DimensionInequity",
    "GroupAccuracy",
    "InequityReport",
    "Interval",
    "LikelihoodScores",
    "accuracy",
    "accuracy_by_category",
    "bootstrap_accuracy",
    "chance_accuracy",
    "chance_adjusted_accuracy",
    "check_predictions",
    "correct_column",
    "group_accuracy",
    "likelihood_scores",
    "parse_failures",
    "person_accuracy",
    "person_setup_matrix",
    "summarize_predictions",
    "value_inequity_index",
]

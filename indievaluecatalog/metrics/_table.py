"""The predictions table that every metric reads: one row per probe, person, setup and granularity."""

from __future__ import annotations

import pandas as pd

# Columns a predictions table must carry, with their meaning:
#   respondent_id, setup, demos, granularity, question_id: which probe of which task instance
#   category: WVS category of the probe question
#   n_options: options of the question at the row's granularity (chance of a uniform guess is 1 / n_options)
#   predicted: zero-based option index, null when the scorer's answer could not be parsed
#   gold: zero-based index of the person's option
REQUIRED_COLUMNS: tuple[str, ...] = (
    "respondent_id",
    "setup",
    "demos",
    "granularity",
    "question_id",
    "category",
    "n_options",
    "predicted",
    "gold",
)
# Optional columns: option_logprobs (list of log-probabilities over the options, log-likelihood scoring),
# parse_failed (bool) and attempts (int) for generation formats.
OPTIONAL_COLUMNS: tuple[str, ...] = ("option_logprobs", "parse_failed", "attempts", "raw_output")


def check_predictions(table: pd.DataFrame) -> None:
    """Raise ValueError naming the missing columns when ``table`` is not a predictions table."""
    missing = [column for column in REQUIRED_COLUMNS if column not in table.columns]
    if missing:
        raise ValueError(f"predictions table lacks the columns {missing}; it has {list(table.columns)}")


def correct_column(table: pd.DataFrame) -> pd.Series:
    """Return 1.0 where the prediction equals the gold option and 0.0 elsewhere, a parse failure included."""
    predicted = pd.to_numeric(table["predicted"], errors="coerce")
    gold = pd.to_numeric(table["gold"], errors="coerce")
    return (predicted == gold).fillna(False).astype("float64")

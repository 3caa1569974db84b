"""Each metric against a value computed by hand on a small constructed predictions table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from indievaluecatalog.metrics import (
    accuracy,
    accuracy_by_category,
    bootstrap_accuracy,
    chance_accuracy,
    chance_adjusted_accuracy,
    check_predictions,
    likelihood_scores,
    parse_failures,
    person_accuracy,
    summarize_predictions,
    value_inequity_index,
)

# (respondent, setup, question, category, n_options, predicted, gold)
# Person A: setup 0 half right, setup 1 all right. Person B: setup 0 none, setup 1 half.
# Person C: setup 0 only, one right and one unparsed answer.
ROWS = [
    ("A", 0, "Q1", "X", 2, 0, 0),
    ("A", 0, "Q2", "Y", 4, 1, 2),
    ("A", 1, "Q1", "X", 2, 1, 1),
    ("A", 1, "Q2", "Y", 4, 3, 3),
    ("B", 0, "Q1", "X", 2, 1, 0),
    ("B", 0, "Q2", "Y", 4, 0, 2),
    ("B", 1, "Q1", "X", 2, 0, 0),
    ("B", 1, "Q2", "Y", 4, 0, 1),
    ("C", 0, "Q1", "X", 2, 1, 1),
    ("C", 0, "Q2", "Y", 4, None, 1),
]


def make_table(granularity: str = "polar") -> pd.DataFrame:
    """Build the constructed predictions table at one granularity."""
    frame = pd.DataFrame(
        ROWS, columns=["respondent_id", "setup", "question_id", "category", "n_options", "predicted", "gold"]
    )
    frame["predicted"] = frame["predicted"].astype("Int8")
    frame["demos"] = "200"
    frame["granularity"] = granularity
    frame["parse_failed"] = frame["predicted"].isna()
    frame["attempts"] = [1, 1, 1, 1, 1, 1, 1, 1, 1, 3]
    return frame


def test_accuracy_hand_computed() -> None:
    """Accuracy averages probes per person, then people per setup, then setups."""
    # setup 0: (0.5 + 0 + 0.5) / 3, setup 1: (1 + 0.5) / 2
    assert accuracy(make_table(), "polar") == pytest.approx((1 / 3 + 0.75) / 2)


def test_person_accuracy_hand_computed() -> None:
    """Person accuracy is the mean over that person's setups."""
    people = person_accuracy(make_table(), "polar")
    assert people["A"] == pytest.approx(0.75)
    assert people["B"] == pytest.approx(0.25)
    assert people["C"] == pytest.approx(0.5)


def test_chance_adjusted_accuracy_hand_computed() -> None:
    """Chance is 1/options per probe aggregated like accuracy, then (acc - chance) / (1 - chance)."""
    table = make_table()
    assert chance_accuracy(table, "polar") == pytest.approx(0.375)
    expected = ((1 / 3 + 0.75) / 2 - 0.375) / 0.625
    assert chance_adjusted_accuracy(table, "polar") == pytest.approx(expected)


def test_accuracy_by_category_hand_computed() -> None:
    """Category accuracy aggregates only that category's probes."""
    by_category = accuracy_by_category(make_table(), "polar")
    assert by_category["X"] == pytest.approx((2 / 3 + 1.0) / 2)
    assert by_category["Y"] == pytest.approx((0.0 + 0.5) / 2)


def test_value_inequity_index_hand_computed() -> None:
    """VII averages the ddof-1 spread of group means, skipping missing values and one-group dimensions."""
    person = pd.Series({"A": 0.75, "B": 0.25, "C": 0.5, "D": 1.0})
    people = pd.DataFrame(
        {
            "sex": ["Male", "Female", "Male", None],  # D is missing; Female is a group of one
            "continent": ["Asia", "Europe", "Europe", "Africa"],
            "citizen": ["Yes", "Yes", "Yes", "Yes"],  # one group: no spread, left out of the index
        },
        index=["A", "B", "C", "D"],
    )
    report = value_inequity_index(person, people, ["sex", "continent", "citizen"])
    sex, continent, citizen = report.dimensions
    assert sex.std_percent == pytest.approx(26.51650429449553)
    assert sex.left_out == 1
    assert [(g.group, g.people) for g in sex.groups] == [("Female", 1), ("Male", 2)]
    assert continent.std_percent == pytest.approx(31.457643480294788)
    assert math.isnan(citizen.std_percent)
    assert report.index == pytest.approx(28.98707388739516)


def test_worst_group_is_lowest() -> None:
    """The worst group of a dimension is the one with the lowest mean accuracy."""
    person = pd.Series({"A": 0.75, "B": 0.25, "C": 0.5})
    people = pd.DataFrame({"continent": ["Asia", "Europe", "Africa"]}, index=["A", "B", "C"])
    report = value_inequity_index(person, people, {"continent": "continent"})
    worst = report.dimensions[0].worst
    assert worst is not None
    assert worst.group == "Europe"
    assert worst.accuracy == pytest.approx(0.25)


def test_inequity_rejects_unknown_column() -> None:
    """A dimension whose column the people table lacks is an error naming it."""
    person = pd.Series({"A": 1.0})
    with pytest.raises(ValueError, match="religion"):
        value_inequity_index(person, pd.DataFrame(index=["A"]), ["religion"])


def test_likelihood_scores_hand_computed() -> None:
    """NLL and Brier score of the gold option, averaged over probes."""
    table = make_table().iloc[:2].copy()
    table["option_logprobs"] = [list(np.log([0.7, 0.2, 0.1])), list(np.log([0.5, 0.5]))]
    table["gold"] = [0, 1]
    scores = likelihood_scores(table, "polar")
    assert scores is not None
    assert scores.nll == pytest.approx((0.35667494393873245 + math.log(2)) / 2)
    assert scores.brier == pytest.approx((0.09 + 0.04 + 0.01 + 0.5) / 2)
    assert scores.probes == 2


def test_likelihood_scores_absent_without_logprobs() -> None:
    """Tables from generation or baselines have no likelihood scores."""
    assert likelihood_scores(make_table(), "polar") is None


def test_parse_failures_counted() -> None:
    """Unparsed answers and retried probes are counted."""
    counts = parse_failures(make_table(), "polar")
    assert counts == {"parse_failed": 1, "retried": 1, "unanswered": 1, "probes": 10}


def test_bootstrap_is_seeded() -> None:
    """The same seed gives the same interval, and it brackets the point estimate."""
    table = make_table()
    first = bootstrap_accuracy(table, ["polar"], n_resamples=200, seed=3)["polar"]
    second = bootstrap_accuracy(table, ["polar"], n_resamples=200, seed=3)["polar"]
    assert first == second
    assert first.low <= accuracy(table, "polar") <= first.high
    assert first.low < first.high


def test_bootstrap_collapses_when_people_agree() -> None:
    """When every person has the same accuracy, every resample equals it."""
    table = make_table()
    table["predicted"] = table["gold"].astype("Int8")
    interval = bootstrap_accuracy(table, ["polar"], n_resamples=50, seed=0)["polar"]
    assert interval.low == pytest.approx(1.0)
    assert interval.high == pytest.approx(1.0)


def test_bootstrap_rejects_zero_resamples() -> None:
    """Zero resamples is invalid."""
    with pytest.raises(ValueError, match="n_resamples"):
        bootstrap_accuracy(make_table(), ["polar"], n_resamples=0)


def test_summary_overall_is_mean_of_granularities() -> None:
    """Overall accuracy is the mean of polar and refined, with an interval for each."""
    polar = make_table("polar")
    refined = make_table("refined")
    refined["predicted"] = refined["gold"].astype("Int8")
    table = pd.concat([polar, refined], ignore_index=True)
    people = pd.DataFrame({"sex": ["Male", "Female", "Male"]}, index=["A", "B", "C"])
    summary = summarize_predictions(table, people=people, dimensions={"sex": "sex"}, bootstrap=100, seed=1)
    assert summary["overall"]["accuracy"] == pytest.approx(((1 / 3 + 0.75) / 2 + 1.0) / 2)
    assert summary["granularities"]["refined"]["accuracy"] == pytest.approx(1.0)
    assert len(summary["overall"]["ci95"]) == 2
    assert (
        summary["granularities"]["polar"]["inequity"]["dimensions"]["sex"]["worst_group"]["group"] == "Female"
    )
    assert summary["people"] == 3


def test_check_predictions_names_missing_columns() -> None:
    """A table without the required columns is rejected with their names."""
    with pytest.raises(ValueError, match="gold"):
        check_predictions(make_table().drop(columns=["gold"]))


def test_accuracy_rejects_absent_granularity() -> None:
    """Asking for a granularity the table lacks is an error."""
    with pytest.raises(ValueError, match="refined"):
        accuracy(make_table("polar"), "refined")

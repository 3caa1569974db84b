"""The generated frame: shape, codes, missing rates and the latent structure."""

from __future__ import annotations

import numpy as np
import pytest

from indievaluecatalog.codebook import Codebook
from indievaluecatalog.sample import SyntheticSurvey, generate_sample


def test_official_columns_order_and_count(survey: SyntheticSurvey) -> None:
    """The v6.0 layout has 613 columns starting with the technical variables, in official order."""
    columns = list(survey.frame.columns)
    assert len(columns) == 613
    assert columns[:2] == ["version", "doi"]
    for earlier, later in [
        ("A_YEAR", "B_COUNTRY"),
        ("B_COUNTRY", "D_INTERVIEW"),
        ("W_WEIGHT", "Q1"),
        ("Q1", "Q290"),
        ("Q262", "X003R"),
        ("Q288", "Q288R"),
        ("Q290", "Y001"),
    ]:
        assert columns.index(earlier) < columns.index(later), (earlier, later)


def test_v5_differs_from_v6(codebook: Codebook) -> None:
    """Version 5.0 lacks the v6-only columns and has its own version text, DOI and a few labels."""
    v5 = generate_sample(respondents=100, version="5.0", codebook=codebook)
    v6 = generate_sample(respondents=100, version="6.0", codebook=codebook)
    assert len(v5.frame.columns) < len(v6.frame.columns)
    assert "Y001" not in v5.frame.columns
    assert str(v5.frame["version"].iloc[0]).startswith("5-0-0")
    assert str(v6.frame["version"].iloc[0]).startswith("6-0-0")
    assert v5.frame["doi"].iloc[0] != v6.frame["doi"].iloc[0]
    assert v5.value_labels["Q1"][-5] != v6.value_labels["Q1"][-5]


def test_every_country_with_relative_sizes(survey: SyntheticSurvey, codebook: Codebook) -> None:
    """All 65 WVS-7 countries appear (GBR split into 826 and 909), sized like the v6.0 file."""
    counts = survey.frame["B_COUNTRY"].value_counts()
    wvs7 = [c for c in codebook.countries if c.wvs7_v6_respondents]
    assert len(wvs7) == 65
    assert set(counts.index) == {c.code for c in wvs7} | {909}
    assert counts[124] > counts[20]
    continents = {c.continent for c in wvs7}
    assert "Oceania" in continents


def test_interview_ids_unique_and_prefixed(survey: SyntheticSurvey) -> None:
    """D_INTERVIEW is unique and starts with the country code."""
    frame = survey.frame
    assert frame["D_INTERVIEW"].is_unique
    assert ((frame["D_INTERVIEW"] // 100000) == frame["B_COUNTRY"]).all()


def test_answer_codes_are_declared(survey: SyntheticSurvey, codebook: Codebook) -> None:
    """Every value answer is a substantive, outside or declared missing code of its question."""
    for question in codebook.questions:
        allowed = set(question.codes) | set(question.outside_codes) | set(question.missing_codes)
        present = set(np.unique(survey.frame[question.id]).tolist())
        assert present <= allowed, question.id


def test_missing_codes_occur(survey: SyntheticSurvey, codebook: Codebook) -> None:
    """Don't know, no answer, not applicable, not asked and outside codes all occur at low rates."""
    values = survey.frame[[q.id for q in codebook.questions]].to_numpy()
    share = {code: float((values == code).mean()) for code in (-1, -2, -4, -5)}
    assert 0.005 < share[-1] < 0.08
    assert 0.001 < share[-2] < 0.03
    assert 0.001 < share[-4] < 0.05
    assert share[-5] > 0
    assert (survey.frame["Q153"] == -3).any()
    assert 0 < (survey.frame["Q111"] == 3).mean() < 0.05


def test_not_asked_is_per_country(survey: SyntheticSurvey, codebook: Codebook) -> None:
    """A question coded -4 is not asked for a whole country."""
    frame = survey.frame
    not_asked = frame[[q.id for q in codebook.questions]] == -4
    by_country = not_asked.groupby(frame["B_COUNTRY"].where(frame["B_COUNTRY"] != 909, 826)).mean()
    shares = by_country.to_numpy()
    assert ((shares == 0) | (shares == 1)).all()
    assert shares.sum() > 0


def test_not_asked_concentrates(survey: SyntheticSurvey, codebook: Codebook) -> None:
    """Only a minority of countries skip questions, each a few, all from a small pool of questions."""
    frame = survey.frame
    not_asked = frame[[q.id for q in codebook.questions]] == -4
    by_country = not_asked.groupby(frame["B_COUNTRY"].where(frame["B_COUNTRY"] != 909, 826)).any()
    skips_per_country = by_country.sum(axis=1)
    skipping = skips_per_country[skips_per_country > 0]
    skipped_questions = by_country.columns[by_country.any(axis=0)]
    sensitive = {
        "Corruption",
        "Migration",
        "Security",
        "Religious Values",
        "Ethical Values and Norms",
        "Political Interest & Political Participation",
        "Political Culture & Political Regimes",
    }
    # These categories hold 53% of the value questions. The pool draws each of them four times as often.
    sensitive_share = np.mean([codebook.question(q).category in sensitive for q in skipped_questions])

    assert 0 < len(skipping) <= 0.35 * len(by_country)
    assert skipping.max() <= 5
    assert len(skipped_questions) <= 24
    assert sensitive_share > 0.6


def test_most_respondents_have_200_valid(survey: SyntheticSurvey, codebook: Codebook) -> None:
    """Nearly everyone answers 200 or more value questions, and by default nobody answers none."""
    valid = np.zeros(len(survey.frame), dtype=int)
    for question in codebook.questions:
        valid += survey.frame[question.id].isin(list(question.codes)).to_numpy()
    assert (valid >= 200).mean() > 0.95
    assert valid.min() > 0


def test_sparse_and_empty_respondents(codebook: Codebook) -> None:
    """The bad-input option adds respondents with few and with no valid answers."""
    survey = generate_sample(respondents=200, sparse_respondents=3, empty_respondents=2, codebook=codebook)
    valid = np.zeros(200, dtype=int)
    for question in codebook.questions:
        valid += survey.frame[question.id].isin(list(question.codes)).to_numpy()
    assert (valid == 0).sum() == 2
    assert ((valid > 0) & (valid < 40)).sum() == 3


def test_demographics_plausible(survey: SyntheticSurvey) -> None:
    """Ages, age bands, sexes and religions are in range and consistent."""
    frame = survey.frame
    valid_age = frame["Q262"] >= 0
    assert frame.loc[valid_age, "Q262"].between(16, 95).all()
    bands = frame.loc[valid_age & (frame["X003R"] > 0)]
    assert (bands.loc[bands["Q262"] < 25, "X003R"] == 1).all()
    assert set(frame["Q260"].unique()) <= {1, 2, -2, -5}
    europe = frame["B_COUNTRY"].isin([276, 826])
    asia = frame["B_COUNTRY"].isin([360, 586])
    assert (frame.loc[asia, "Q289"] == 5).mean() > (frame.loc[europe, "Q289"] == 5).mean()


def test_same_seed_same_frame(codebook: Codebook) -> None:
    """The same seed gives the same data; another seed different data."""
    first = generate_sample(respondents=300, seed=5, codebook=codebook).frame
    again = generate_sample(respondents=300, seed=5, codebook=codebook).frame
    other = generate_sample(respondents=300, seed=6, codebook=codebook).frame
    assert first.equals(again)
    assert not first["Q1"].equals(other["Q1"])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"respondents": 0}, "respondents"),
        ({"version": "7.0"}, "version"),
        ({"layout": "wide"}, "layout"),
        ({"seed": -1}, "seed"),
        ({"respondents": 5, "empty_respondents": 6}, "exceeds"),
    ],
)
def test_invalid_arguments_raise(arguments: dict[str, object], message: str, codebook: Codebook) -> None:
    """Arguments out of range raise ValueError naming the argument."""
    with pytest.raises(ValueError, match=message):
        generate_sample(codebook=codebook, **arguments)  # type: ignore[arg-type]


def _one_hot(values: np.ndarray, codes: list[list[int]]) -> np.ndarray:
    blocks = [(values[:, j, None] == np.asarray(c)[None, :]) for j, c in enumerate(codes)]
    return np.concatenate(blocks, axis=1).astype(np.float32)


def test_neighbours_beat_majority(survey: SyntheticSurvey, codebook: Codebook) -> None:
    """A k-nearest-neighbour predictor beats the per-question majority on held-out polar answers."""
    questions = list(codebook.questions)
    held_out = questions[::7]
    given = [q for q in questions if q not in held_out]
    frame = survey.frame
    polar = {q.id: {code: o.index for o in q.polar for code in o.codes} for q in questions}
    features = _one_hot(frame[[q.id for q in given]].to_numpy(), [sorted(q.codes) for q in given])
    train, test = np.arange(0, 1500), np.arange(1500, 2000)
    similarity = features[test] @ features[train].T
    top = np.argsort(-similarity, axis=1, kind="stable")[:, :25]

    knn_hits, majority_hits, total = 0, 0, 0
    for question in held_out:
        options = frame[question.id].map(polar[question.id]).to_numpy()
        known = ~np.isnan(options)
        train_options = options[train]
        majority = np.bincount(train_options[known[train]].astype(int)).argmax()
        for row, neighbours in zip(test, top, strict=True):
            if not known[row]:
                continue
            votes = train_options[neighbours]
            votes = votes[~np.isnan(votes)].astype(int)
            guess = np.bincount(votes).argmax() if len(votes) else majority
            knn_hits += int(guess == options[row])
            majority_hits += int(majority == options[row])
            total += 1
    assert total > 10000
    assert knn_hits / total - majority_hits / total >= 0.05

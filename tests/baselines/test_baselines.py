"""The statistical baselines on synthetic respondents: each rule by hand, and their ranking."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

from indievaluecatalog.baselines import (
    AnswerTable,
    DemographicCellScorer,
    LowRankScorer,
    MajorityScorer,
    RandomScorer,
    ResemblanceScorer,
    check_baseline_options,
    make_baseline,
)
from indievaluecatalog.codebook import Codebook, Granularity
from indievaluecatalog.errors import EvaluationError
from indievaluecatalog.scoring import Scorer
from indievaluecatalog.splits._records import Probe, TaskInstance


def score(scorer: Scorer, instances: Sequence[TaskInstance], granularity: Granularity = "refined") -> float:
    """Return the share of probes a scorer gets right."""
    predictions = list(scorer.predict(instances, granularity))
    return float(np.mean([p.predicted == p.gold for p in predictions]))


@pytest.fixture(scope="module")
def table(respondents: pd.DataFrame, train_ids: list[str], book: Codebook) -> AnswerTable:
    """The answer table of the synthetic respondents."""
    return AnswerTable(respondents, train_ids, codebook=book)


def probe(question_id: str, answer: int, n_options: int = 3) -> Probe:
    """Build a probe with placeholder statements."""
    options = tuple(f"option {i}" for i in range(n_options))
    return Probe(question_id, "Cat", "wording", options, options, answer, answer)


def instance(person: str, demonstrations: tuple[str, ...], probes: tuple[Probe, ...]) -> TaskInstance:
    """Build a task instance whose statements are placeholders."""
    texts = tuple(f"statement {q}" for q in demonstrations)
    return TaskInstance(person, 0, "200", texts, texts, demonstrations, (), probes)


def test_baselines_are_scorers(table: AnswerTable) -> None:
    """Every baseline implements the Scorer protocol."""
    for name in ["random", "majority", "demographic-majority", "resemblance", "lowrank"]:
        assert isinstance(make_baseline(name, table), Scorer)


def test_random_is_seeded_and_order_free(table: AnswerTable, instances: list[TaskInstance]) -> None:
    """Random predictions depend on the seed and the instance, not on the scoring order."""
    forward = {
        (p.respondent_id, p.setup, p.question_id): p.predicted
        for p in RandomScorer(table, seed=5).predict(instances, "polar")
    }
    backward = {
        (p.respondent_id, p.setup, p.question_id): p.predicted
        for p in RandomScorer(table, seed=5).predict(instances[::-1], "polar")
    }
    other = {
        (p.respondent_id, p.setup, p.question_id): p.predicted
        for p in RandomScorer(table, seed=6).predict(instances, "polar")
    }
    assert forward == backward
    assert forward != other


def test_random_matches_chance(table: AnswerTable, instances: list[TaskInstance]) -> None:
    """Random accuracy is close to the mean of 1 / options over the probes."""
    chance = np.mean([1 / len(p.refined_options) for i in instances for p in i.probes])
    assert abs(score(RandomScorer(table, seed=1), instances) - chance) < 0.04


def test_majority_matches_value_counts(
    table: AnswerTable, instances: list[TaskInstance], respondents: pd.DataFrame, train_ids: list[str]
) -> None:
    """Global majority predicts each question's most frequent training option."""
    train = respondents.set_index("respondent_id").loc[train_ids]
    predictions = list(MajorityScorer(table).predict(instances[:1], "refined"))
    for prediction in predictions:
        counts = train[f"{prediction.question_id}_refined"].value_counts()
        assert counts[prediction.predicted] == counts.max()


def test_majority_ignores_the_person(table: AnswerTable, instances: list[TaskInstance]) -> None:
    """Two people with the same probes get the same majority predictions."""
    scorer = MajorityScorer(table)
    first = {p.question_id: p.predicted for p in scorer.predict([instances[0]], "polar")}
    second = {p.question_id: p.predicted for p in scorer.predict([instances[2]], "polar")}
    shared = first.keys() & second.keys()
    assert len(shared) > 30
    assert {q: first[q] for q in shared} == {q: second[q] for q in shared}


def small_table(book: Codebook) -> AnswerTable:
    """Six people: Atlantis people chose option 1 on Q1, everyone else option 0."""
    frame = pd.DataFrame(
        {
            "respondent_id": ["T1", "T2", "T3", "T4", "T5", "E1"],
            "country": ["Atlantis", "Atlantis", "Borduria", "Borduria", "Borduria", "Atlantis"],
            "continent": ["Europe"] * 6,
            "sex": ["Male"] * 6,
            "age_band": ["25-34"] * 6,
            "Q1_polar": pd.array([1, 1, 0, 0, 0, 1], dtype="Int8"),
            "Q1_refined": pd.array([1, 1, 0, 0, 0, 1], dtype="Int8"),
            "Q2_polar": pd.array([0, 1, 0, 1, 1, 0], dtype="Int8"),
            "Q2_refined": pd.array([0, 2, 0, 3, 3, 0], dtype="Int8"),
            "Q3_polar": pd.array([1, 0, 1, 1, None, 1], dtype="Int8"),
            "Q3_refined": pd.array([2, 0, 2, 3, None, 2], dtype="Int8"),
        }
    )
    return AnswerTable(frame, ["T1", "T2", "T3", "T4", "T5"], codebook=book)


def test_demographic_cell_majority(book: Codebook) -> None:
    """The person's country cell decides when it is large enough; else the cell widens."""
    table = small_table(book)
    person = instance("E1", (), (probe("Q1", 1, 4),))
    narrow = DemographicCellScorer(table, min_cell=2)
    assert [p.predicted for p in narrow.predict([person], "polar")] == [1]
    assert narrow.fallbacks[0] == 1
    wide = DemographicCellScorer(table, min_cell=3)
    assert [p.predicted for p in wide.predict([person], "polar")] == [0]
    assert wide.fallbacks[3] == 1


def test_demographic_cell_skips_missing_values(book: Codebook) -> None:
    """A person whose sex is missing falls back past every cell that uses sex."""
    table = small_table(book)
    table.respondents.loc[5, "sex"] = None
    scorer = DemographicCellScorer(table, min_cell=2)
    list(scorer.predict([instance("E1", (), (probe("Q1", 1, 4),))], "polar"))
    assert scorer.fallbacks[2] == 1


def test_resemblance_follows_nearest_person(book: Codebook) -> None:
    """With k=1 the prediction is the answer of the training person sharing most demonstration answers."""
    table = small_table(book)
    # E1 answered Q2 with refined option 0 and Q3 with 2: T1 and T3 share both; only T3 answered... both did.
    person = instance("E1", ("Q2", "Q3"), (probe("Q1", 1, 4),))
    scorer = ResemblanceScorer(table, k=1, seed=0)
    similarity = scorer.similarities([person], "refined")[0]
    pool = table.respondents["respondent_id"].to_numpy()[scorer._pool]
    assert dict(zip(pool, similarity, strict=True)) == {"T1": 2.0, "T2": 0.0, "T3": 2.0, "T4": 0.0, "T5": 0.0}
    nearest = next(rid for rid in pool if rid in {"T1", "T3"})
    expected = 1 if nearest == "T1" else 0
    assert [p.predicted for p in scorer.predict([person], "refined")] == [expected]


def test_resemblance_votes_among_answerers(book: Codebook) -> None:
    """People who did not answer the probe get no vote, however similar."""
    table = small_table(book)
    # The Q3 probe: T5 did not answer it, so the three voters of k=3 are drawn from T1-T4.
    person = instance("E1", ("Q1",), (probe("Q3", 2, 4),))
    predictions = list(ResemblanceScorer(table, k=3).predict([person], "refined"))
    assert predictions[0].predicted == 2


def test_resemblance_beats_majority(table: AnswerTable, instances: list[TaskInstance]) -> None:
    """On clustered answers, resemblance is more accurate than the global majority."""
    majority = score(MajorityScorer(table), instances)
    resemblance = score(ResemblanceScorer(table, k=15), instances)
    assert resemblance > majority + 0.1


def test_demonstrations_matter(
    book: Codebook,
    respondents: pd.DataFrame,
    evaluation_ids: list[str],
    table: AnswerTable,
    synthetic_catalog: ModuleType,
) -> None:
    """Resemblance with 200 demonstrations beats resemblance with none."""
    synthetic = synthetic_catalog
    few = synthetic.make_instances(book, respondents, evaluation_ids, demos=0)
    many = synthetic.make_instances(book, respondents, evaluation_ids, demos=200)
    scorer = ResemblanceScorer(table, k=15)
    assert score(scorer, many) > score(scorer, few)


def test_lowrank_beats_majority(table: AnswerTable, instances: list[TaskInstance]) -> None:
    """The learned low-rank predictor beats the global majority."""
    assert score(LowRankScorer(table, rank=4), instances) > score(MajorityScorer(table), instances) + 0.1


def test_lowrank_without_demonstrations_is_majority(
    table: AnswerTable, instances: list[TaskInstance]
) -> None:
    """With no known answers the low-rank prediction is the global majority."""
    bare = [TaskInstance(i.respondent_id, i.setup, "0", (), (), (), (), i.probes) for i in instances[:4]]
    lowrank = [p.predicted for p in LowRankScorer(table, rank=4).predict(bare, "refined")]
    majority = [p.predicted for p in MajorityScorer(table).predict(bare, "refined")]
    assert lowrank == majority


def test_unknown_baseline_suggests_name(table: AnswerTable) -> None:
    """A misspelt baseline name is rejected with the close match."""
    with pytest.raises(EvaluationError, match="resemblance"):
        make_baseline("resemblence", table)


def test_invalid_baseline_option(table: AnswerTable) -> None:
    """An option the baseline does not take is rejected."""
    with pytest.raises(
        EvaluationError, match="Unknown option 'k' for baseline 'majority'; it takes no options"
    ):
        make_baseline("majority", table, k=3)


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        ("resemblance", {"k": -1}, "Invalid value -1 for option 'k' of baseline 'resemblance'"),
        ("resemblance", {"k": 0}, "Invalid value 0 for option 'k'"),
        ("resemblance", {"k": "abc"}, "Invalid value 'abc' for option 'k'"),
        ("resemblance", {"k": 2.5}, "Invalid value 2.5 for option 'k'"),
        ("resemblance", {"k": True}, "Invalid value True for option 'k'"),
        ("resemblance", {"kk": 3}, "Unknown option 'kk' for baseline 'resemblance'; it takes k"),
        ("lowrank", {"rank": 0}, "Invalid value 0 for option 'rank' of baseline 'lowrank'"),
        ("lowrank", {"rank": "ten"}, "Invalid value 'ten' for option 'rank'"),
        ("demographic-majority", {"min_cell": 0}, "Invalid value 0 for option 'min_cell'"),
        ("demographic-majority", {"min_cell": -5}, "Invalid value -5 for option 'min_cell'"),
        ("random", {"seed": 3}, "Unknown option 'seed' for baseline 'random'"),
        ("resemblence", {}, "Unknown baseline 'resemblence'. Did you mean resemblance"),
    ],
)
def test_bad_option_values_rejected(name: str, options: dict[str, object], message: str) -> None:
    """Out-of-range, non-integer and unknown options raise EvaluationError naming option, value and range."""
    with pytest.raises(EvaluationError, match=message) as error_info:
        check_baseline_options(name, options)
    assert error_info.value.exit_code == 8
    if message.startswith("Invalid value"):
        assert "expected an integer of at least 1" in error_info.value.message
        assert error_info.value.hint is not None
        assert "the default is" in error_info.value.hint


def test_valid_options_accepted(table: AnswerTable) -> None:
    """Options at the bottom of their range build the scorer with that setting."""
    check_baseline_options("resemblance", {"k": 1})
    assert make_baseline("resemblance", table, k=1).describe()["k"] == 1
    assert make_baseline("lowrank", table, rank=1).describe()["rank"] == 1
    assert make_baseline("demographic-majority", table, min_cell=1).min_cell == 1


def test_invalid_parameters(table: AnswerTable) -> None:
    """Non-positive k, rank and cell size are rejected."""
    with pytest.raises(ValueError, match="k must"):
        ResemblanceScorer(table, k=0)
    with pytest.raises(ValueError, match="rank must"):
        LowRankScorer(table, rank=0)
    with pytest.raises(ValueError, match="min_cell"):
        DemographicCellScorer(table, min_cell=0)


def test_unknown_respondent(table: AnswerTable) -> None:
    """An instance of a person outside the respondents table is an error naming the id."""
    with pytest.raises(EvaluationError, match="Rnobody"):
        list(MajorityScorer(table).predict([instance("Rnobody", (), (probe("Q1", 0),))], "polar"))
    with pytest.raises(EvaluationError, match="Rnobody"):
        list(ResemblanceScorer(table).predict([instance("Rnobody", (), (probe("Q1", 0),))], "polar"))


def test_training_ids_checked(respondents: pd.DataFrame, book: Codebook) -> None:
    """Training ids must exist in the respondents table, and the pool must not be empty."""
    with pytest.raises(EvaluationError, match=r"^1 training respondent id is not in the respondents table"):
        AnswerTable(respondents, ["Rmissing"], codebook=book)
    with pytest.raises(EvaluationError, match=r"^2 training respondent ids are not in"):
        AnswerTable(respondents, ["Rmissing", "Rgone"], codebook=book)
    with pytest.raises(EvaluationError, match="empty"):
        AnswerTable(respondents, [], codebook=book)
    with pytest.raises(EvaluationError, match="respondent_id"):
        AnswerTable(respondents.drop(columns=["respondent_id"]), [], codebook=book)

"""Tests of the evaluation selection rules, each on a constructed case, and of the heldout-out splits."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from indievaluecatalog.codebook import Codebook
from indievaluecatalog.errors import SplitError
from indievaluecatalog.splits import (
    EvaluationRules,
    allocate_equally,
    build_task_tables,
    load_probe_setups,
    scaled_rules,
    select_evaluation,
    select_heldout_categories,
    select_heldout_countries,
)

GOLDEN = Path(__file__).parent / "data" / "golden_evaluation_ids.txt"
# Large enough that the cap and the quotas bind, small enough for a tiny table.
RULES = EvaluationRules(size=60, religion_cap=6)


def _probes(codebook: Codebook) -> tuple[str, ...]:
    return load_probe_setups(codebook=codebook).distinct_questions


def _complete(synthetic: ModuleType, frame: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Give everyone of ``frame`` a valid answer to every question and 30 valid demographic answers."""
    frame = synthetic.fill_everyone(frame, codebook)
    frame["n_valid_demographics"] = 30
    return frame


@pytest.fixture(scope="module")
def complete(codebook: Codebook, synthetic: ModuleType) -> pd.DataFrame:
    """Two countries on each of four continents, 12 people each, all eligible."""
    counts = {36: 12, 554: 12, 32: 12, 68: 12, 50: 12, 104: 12, 20: 12, 40: 12}
    return _complete(synthetic, synthetic.synthetic_respondents(codebook, counts, seed=1), codebook)


def test_missing_probe_answer_excluded(
    complete: pd.DataFrame, codebook: Codebook, synthetic: ModuleType
) -> None:
    """A person missing one probe answer (of setup 2 only) is never selected."""
    frame = synthetic.set_missing(complete.copy(), 0, ["Q243"], codebook)
    selection = select_evaluation(frame, _probes(codebook), seed=1, rules=EvaluationRules(size=1000))
    assert frame.loc[0, "respondent_id"] not in selection.respondent_ids
    assert frame.loc[1, "respondent_id"] in selection.respondent_ids


def test_valid_answer_threshold_238_239(
    complete: pd.DataFrame, codebook: Codebook, synthetic: ModuleType
) -> None:
    """238 valid value answers excludes a person, 239 includes one."""
    non_probes = [q.id for q in codebook.questions if q.id not in set(_probes(codebook))]
    frame = synthetic.set_missing(complete.copy(), 0, non_probes[:15], codebook)
    frame = synthetic.set_missing(frame, 1, non_probes[:14], codebook)
    assert frame.loc[0, "n_valid_answers"] == 238
    assert frame.loc[1, "n_valid_answers"] == 239
    selection = select_evaluation(frame, _probes(codebook), seed=1, rules=EvaluationRules(size=1000))
    assert frame.loc[0, "respondent_id"] not in selection.respondent_ids
    assert frame.loc[1, "respondent_id"] in selection.respondent_ids


def test_oceania_all_included(complete: pd.DataFrame, codebook: Codebook) -> None:
    """Every eligible Oceania person is selected, even with few demographic answers."""
    frame = complete.copy()
    oceania = frame["continent"] == "Oceania"
    frame.loc[oceania, "n_valid_demographics"] = 3
    selection = select_evaluation(frame, _probes(codebook), seed=1, rules=EvaluationRules(size=120))
    chosen = set(selection.respondent_ids)
    assert set(frame.loc[oceania, "respondent_id"]) <= chosen
    assert selection.selected["Oceania"] == 24


def test_oceania_above_equal_share_drawn(complete: pd.DataFrame, codebook: Codebook) -> None:
    """When Oceania's eligible people outnumber an equal share, a seeded draw of that share is taken."""
    selection = select_evaluation(complete, _probes(codebook), seed=1, rules=EvaluationRules(size=40))
    assert selection.selected["Oceania"] == 10
    assert selection.candidates["Oceania"] == 24
    assert len(selection.respondent_ids) == 40


def test_few_demographics_excluded_elsewhere(complete: pd.DataFrame, codebook: Codebook) -> None:
    """Outside Oceania, 23 valid demographic answers excludes a person and 24 includes one."""
    frame = complete.copy()
    europe = frame.index[frame["continent"] == "Europe"]
    frame.loc[europe[0], "n_valid_demographics"] = 23
    frame.loc[europe[1], "n_valid_demographics"] = 24
    selection = select_evaluation(frame, _probes(codebook), seed=1, rules=EvaluationRules(size=1000))
    assert frame.loc[europe[0], "respondent_id"] not in selection.respondent_ids
    assert frame.loc[europe[1], "respondent_id"] in selection.respondent_ids


def test_religion_cap_per_continent(codebook: Codebook, synthetic: ModuleType) -> None:
    """No religion group exceeds the cap within a continent, and the cap leaves other groups room."""
    weights = {"Asia": [0, 0, 0, 0, 0, 0.9, 0, 0.1, 0, 0], "Europe": [0, 1.0, 0, 0, 0, 0, 0, 0, 0, 0]}
    counts = {50: 30, 104: 30, 20: 30, 40: 30}
    raw = synthetic.synthetic_respondents(codebook, counts, seed=2, religion_weights=weights)
    frame = _complete(synthetic, raw, codebook)
    rules = EvaluationRules(size=40, religion_cap=8)
    selection = select_evaluation(frame, _probes(codebook), seed=4, rules=rules)
    chosen = frame[frame["respondent_id"].isin(selection.respondent_ids)]
    counts = Counter(zip(chosen["continent"], chosen["religion"], strict=True))
    assert max(counts.values()) == 8
    assert counts[("Europe", "Roman Catholic")] == 8
    assert selection.selected["Europe"] == 8
    buddhists = int(((frame["continent"] == "Asia") & (frame["religion"] == "Buddhist")).sum())
    assert selection.selected["Asia"] == 8 + min(8, buddhists)


def test_equal_number_per_continent(complete: pd.DataFrame, codebook: Codebook) -> None:
    """After Oceania, the other continents get equal shares that sum to the target size."""
    oceania = complete.index[complete["continent"] == "Oceania"]
    frame = complete.drop(index=oceania[6:]).reset_index(drop=True)
    rules = EvaluationRules(size=55, religion_cap=100)
    selection = select_evaluation(frame, _probes(codebook), seed=1, rules=rules)
    assert len(selection.respondent_ids) == 55
    assert selection.selected == {"Asia": 17, "Europe": 16, "Oceania": 6, "South America": 16}


def test_allocate_equally_redistributes_shortfall() -> None:
    """A continent below its equal share takes its capacity and the rest is shared; remainders go in name order."""
    assert allocate_equally(30, {"A": 100, "B": 4, "C": 100}) == {"A": 13, "B": 4, "C": 13}
    assert allocate_equally(10, {"A": 100, "B": 100, "C": 100}) == {"A": 4, "B": 3, "C": 3}
    assert allocate_equally(500, {"A": 1, "B": 2}) == {"A": 1, "B": 2}
    assert allocate_equally(5, {"A": 0, "B": 9}) == {"A": 0, "B": 5}


def test_scaled_rules_small_and_full() -> None:
    """A full release keeps 800 and 80; a few thousand people get a proportional size and cap."""
    assert scaled_rules(97_220) == EvaluationRules()
    small = scaled_rules(3_000)
    assert small.size == 25
    assert small.religion_cap == 4
    assert small.min_valid_answers == 239
    assert scaled_rules(300).size == 24


def test_selection_same_seed_identical(respondents: pd.DataFrame, codebook: Codebook) -> None:
    """The same seed selects the same people, whatever the row order of the input."""
    first = select_evaluation(respondents, _probes(codebook), seed=9, rules=RULES)
    shuffled = respondents.sample(frac=1.0, random_state=0).reset_index(drop=True)
    second = select_evaluation(shuffled, _probes(codebook), seed=9, rules=RULES)
    other = select_evaluation(respondents, _probes(codebook), seed=10, rules=RULES)
    assert first.respondent_ids == second.respondent_ids
    assert first.respondent_ids != other.respondent_ids


def test_selection_matches_golden_ids(codebook: Codebook, synthetic: ModuleType) -> None:
    """The selection of a fixed synthetic input matches the golden id list."""
    # Regenerate: python tests/splits/synthetic_catalog.py tests/splits/data/golden_evaluation_ids.txt
    frame = synthetic.synthetic_respondents(codebook, 40, seed=11)
    selection = select_evaluation(frame, _probes(codebook), seed=5)
    golden = [line for line in GOLDEN.read_text().splitlines() if not line.startswith("#")]
    assert list(selection.respondent_ids) == golden


def test_missing_column_raises(respondents: pd.DataFrame, codebook: Codebook) -> None:
    """A respondents table without `religion` raises SplitError naming the column."""
    with pytest.raises(SplitError, match="religion"):
        select_evaluation(respondents.drop(columns=["religion"]), _probes(codebook), seed=1)


def test_missing_probe_column_raises(respondents: pd.DataFrame, codebook: Codebook) -> None:
    """A respondents table without a probe question's column raises SplitError naming it."""
    with pytest.raises(SplitError, match="Q1_polar"):
        select_evaluation(respondents.drop(columns=["Q1_polar"]), _probes(codebook), seed=1)


def test_heldout_countries_stratified(respondents: pd.DataFrame) -> None:
    """Each continent with several countries holds out at least one and keeps at least one."""
    heldout = select_heldout_countries(respondents, seed=3)
    per_continent = Counter(continent for _, continent in heldout)
    countries = respondents.groupby("continent")["country_code"].nunique()
    for continent, total in countries.items():
        assert 1 <= per_continent[str(continent)] < total
    assert heldout == select_heldout_countries(respondents, seed=3)


def test_heldout_categories_seeded(codebook: Codebook) -> None:
    """Three categories are heldout out, in codebook order, the same for the same seed."""
    chosen = select_heldout_categories(codebook, seed=3)
    assert len(chosen) == 3
    assert list(chosen) == [c for c in codebook.categories if c in chosen]
    assert chosen == select_heldout_categories(codebook, seed=3)
    with pytest.raises(SplitError):
        select_heldout_categories(codebook, seed=3, count=13)


def test_splits_disjoint_and_covering(respondents: pd.DataFrame, codebook: Codebook) -> None:
    """Every respondent is on exactly one side of each split, and the id lists cover everyone once."""
    tables = build_task_tables(respondents, codebook, seed=7)
    frame = tables.splits.to_pandas()
    assert frame["respondent_id"].tolist() == respondents["respondent_id"].tolist()
    lists = tables.id_lists()
    for split in ("evaluation", "heldout_countries"):
        assert set(frame[split]) <= {"test", "train"}
        test, train = set(lists[f"{split}_test"]), set(lists[f"{split}_train"])
        assert not test & train
        assert test | train == set(respondents["respondent_id"])
    assert set(lists["evaluation_test"]) == set(tables.evaluation.respondent_ids)
    assert tables.manifest_entry()["evaluation"]["size"] == len(tables.evaluation.respondent_ids)


def test_no_eligible_person_warns(
    complete: pd.DataFrame, codebook: Codebook, synthetic: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    """A file where nobody answered a probe question gives an empty evaluation set and a warning."""
    frame = complete.copy()
    for row in range(len(frame)):
        frame = synthetic.set_missing(frame, row, ["Q1"], codebook)
    with caplog.at_level("WARNING", logger="indievaluecatalog.splits._selection"):
        selection = select_evaluation(frame, _probes(codebook), seed=1, rules=RULES)
    assert selection.respondent_ids == ()
    assert "No respondent is eligible for the evaluation set" in caplog.text

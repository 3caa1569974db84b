"""Tests of the seeded demonstration draws and the probes rows built from them."""

from __future__ import annotations

import pandas as pd
import pytest

from indievaluecatalog.codebook import Codebook
from indievaluecatalog.errors import SplitError
from indievaluecatalog.splits import (
    answer_matrix,
    draw_demonstrations,
    instance_rows,
    load_probe_setups,
)

POOL = [f"Q{i}" for i in range(1, 215)]


def test_draw_same_key_identical() -> None:
    """The same seed, person, setup and N give the same questions in the same order."""
    first = draw_demonstrations(POOL, seed=1, respondent_id="RA", setup=0, demos="50")
    second = draw_demonstrations(POOL, seed=1, respondent_id="RA", setup=0, demos="50")
    assert first == second
    assert len(first.questions) == 50
    assert len(set(first.questions)) == 50


def test_draw_depends_on_each_key_part() -> None:
    """Changing the seed, person, setup or N changes the draw."""
    base = draw_demonstrations(POOL, seed=1, respondent_id="RA", setup=0, demos="50").questions
    assert draw_demonstrations(POOL, seed=2, respondent_id="RA", setup=0, demos="50").questions != base
    assert draw_demonstrations(POOL, seed=1, respondent_id="RB", setup=0, demos="50").questions != base
    assert draw_demonstrations(POOL, seed=1, respondent_id="RA", setup=1, demos="50").questions != base
    assert draw_demonstrations(POOL, seed=1, respondent_id="RA", setup=0, demos="100").questions[:50] != base


def test_mixed_count_in_range() -> None:
    """The "mixed" count lies in 50-200 and varies across people."""
    counts = {
        draw_demonstrations(POOL, seed=1, respondent_id=f"R{i}", setup=0, demos="mixed").requested
        for i in range(40)
    }
    assert min(counts) >= 50
    assert max(counts) <= 200
    assert len(counts) > 10


def test_short_pool_takes_all() -> None:
    """With fewer valid answers than N, all are taken and the shortfall is recorded."""
    draw = draw_demonstrations(POOL[:30], seed=1, respondent_id="RA", setup=0, demos="200")
    assert draw.requested == 200
    assert sorted(draw.questions) == sorted(POOL[:30])
    assert draw.short


def test_zero_demonstrations_empty() -> None:
    """N = 0 draws nothing."""
    assert draw_demonstrations(POOL, seed=1, respondent_id="RA", setup=0, demos="0").questions == ()


def test_unknown_demos_raises() -> None:
    """An N outside the published values raises SplitError listing them."""
    with pytest.raises(SplitError, match="mixed"):
        draw_demonstrations(POOL, seed=1, respondent_id="RA", setup=0, demos="75")


def test_rows_never_demonstrate_probes(respondents: pd.DataFrame, codebook: Codebook) -> None:
    """No probe question of a setup is among that setup's demonstrations, and every demonstration is valid."""
    setups = load_probe_setups(codebook=codebook)
    people = respondents.iloc[:20]
    answers = answer_matrix(people, codebook)
    rows = instance_rows(
        answers, codebook, [(s.setup, s.question_ids) for s in setups.setups], seed=3
    ).to_pylist()
    assert len(rows) == 20 * 3 * 6
    by_id = people.set_index("respondent_id")
    for row in rows:
        probes = set(setups.setup(row["setup"]).question_ids)
        demonstrated = [s.split(":")[0] for s in row["demonstrations_polar"]]
        assert not probes & set(demonstrated)
        assert len(demonstrated) == row["n_demonstrations"] <= row["n_requested"]
        for statement in row["demonstrations_refined"]:
            question, _, option = statement.split(":")
            assert by_id.loc[row["respondent_id"], f"{question}_refined"] == int(option)


def test_rows_independent_of_other_people(respondents: pd.DataFrame, codebook: Codebook) -> None:
    """A person's rows are the same whether drawn alone or among others."""
    setups = [(0, load_probe_setups(codebook=codebook).setup(0).question_ids)]
    alone = instance_rows(
        answer_matrix(respondents.iloc[[5]], codebook), codebook, setups, seed=3
    ).to_pylist()
    together = instance_rows(
        answer_matrix(respondents.iloc[:10], codebook), codebook, setups, seed=3
    ).to_pylist()
    person = respondents.iloc[5]["respondent_id"]
    assert alone == [r for r in together if r["respondent_id"] == person]

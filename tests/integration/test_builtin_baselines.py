"""The built-in sample end to end: its evaluation set and the statistical baselines scored on it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from indievaluecatalog.cli import main
from indievaluecatalog.codebook import load_codebook

RESEMBLANCE_MARGIN = 0.05
"""Minimum lead of resemblance over the global majority in overall accuracy, as a fraction (0.05 is 5 points).
Jiang et al. (arXiv 2410.03868) report 66.60% against 56.83% on real WVS-7 data."""


def evaluation_ids(catalog: Path) -> list[str]:
    """Return the catalog's published evaluation ids."""
    return (catalog / "splits" / "evaluation_test.txt").read_text(encoding="utf-8").split()


def evaluate_baseline(catalog: Path, out: Path, baseline: str) -> dict[str, Any]:
    """Run the evaluate command for ``baseline`` on every evaluation person and return its results.json."""
    main(
        ["evaluate", "--catalog", str(catalog), "--out", str(out), "--baseline", baseline, "--bootstrap", "0"]
    )
    results: dict[str, Any] = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return results


@pytest.fixture(scope="module")
def baseline_results(
    builtin_catalog: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, Any]]:
    """Results of the majority and resemblance baselines at 200 demonstrations, all three setups."""
    root = tmp_path_factory.mktemp("runs")
    return {
        name: evaluate_baseline(builtin_catalog, root / name, name) for name in ("majority", "resemblance")
    }


def test_evaluation_set_spans_continents(builtin_catalog: Path) -> None:
    """The built-in sample's evaluation set has people from all six continents."""
    ids = evaluation_ids(builtin_catalog)
    respondents = pd.read_parquet(
        builtin_catalog / "data" / "respondents.parquet", columns=["respondent_id", "continent"]
    )
    continents = set(respondents.loc[respondents["respondent_id"].isin(ids), "continent"])
    expected = {country.continent for country in load_codebook().countries}

    assert len(expected) == 6
    assert continents == expected


def test_oceania_fully_included(builtin_catalog: Path) -> None:
    """Every eligible person of Oceania is an evaluation person, as the selection rule requires."""
    manifest = json.loads((builtin_catalog / "manifest.json").read_text(encoding="utf-8"))
    counts = manifest["splits"]["evaluation"]

    assert counts["eligible_per_continent"]["Oceania"] > 0
    assert counts["selected_per_continent"]["Oceania"] == counts["eligible_per_continent"]["Oceania"]


def test_baselines_score_every_person(
    baseline_results: dict[str, dict[str, Any]], builtin_catalog: Path
) -> None:
    """Both baseline runs score every evaluation person."""
    n_people = len(evaluation_ids(builtin_catalog))
    for name, results in baseline_results.items():
        assert results["metrics"]["people"] == n_people, name


def test_resemblance_beats_majority(baseline_results: dict[str, dict[str, Any]]) -> None:
    """Resemblance beats the global majority on overall accuracy by a clear margin."""
    resemblance = baseline_results["resemblance"]["metrics"]["overall"]["accuracy"]
    majority = baseline_results["majority"]["metrics"]["overall"]["accuracy"]

    assert resemblance > majority + RESEMBLANCE_MARGIN, (resemblance, majority)


def test_valid_demographics_count_unlabelled_codes(builtin_catalog: Path) -> None:
    """n_valid_demographics counts every valid answer, also a country-specific code the file leaves unlabelled."""
    import pyarrow.parquet as pq

    from indievaluecatalog.codebook import load_codebook

    table = pq.read_table(builtin_catalog / "data" / "respondents.parquet").to_pandas()
    book = load_codebook()
    expected = pd.Series(0, index=table.index)
    for item in book.demographics:
        if item.variable in (None, "B_COUNTRY"):
            expected += 1
        else:
            expected += (table[f"{item.id}_code"].fillna(-1) >= 0).astype(int)
    unlabelled = table["home_language_code"].ge(0) & table["home_language"].isna()
    assert unlabelled.any(), "the built-in sample should contain an unlabelled language code"
    assert (table["n_valid_demographics"] == expected).all()

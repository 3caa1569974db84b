"""Stage validation with wide checks: every failing cell is reported with its column, row, value and rule."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pandera_pd
import pytest

from indievaluecatalog.codebook import Codebook, load_codebook
from indievaluecatalog.convert import BuildOptions, build_catalog
from indievaluecatalog.convert._schemas import respondents_schema
from indievaluecatalog.convert._validation import validate_stage
from indievaluecatalog.errors import ValidationFailedError
from indievaluecatalog.readers import raw_response_schema


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    """The shipped codebook."""
    return load_codebook()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog built from the built-in synthetic sample."""
    out = tmp_path_factory.mktemp("built") / "catalog"
    build_catalog(None, BuildOptions(out=out))
    return out


@pytest.fixture
def respondents(built: Path) -> pd.DataFrame:
    """The first 40 rows of the built respondents table, pyarrow-backed as the build validates it."""
    frame = pd.read_parquet(built / "data" / "respondents.parquet", dtype_backend="pyarrow")
    return frame.iloc[:40].reset_index(drop=True)


def _failures(schema: pandera_pd.DataFrameSchema, frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    with pytest.raises(ValidationFailedError):
        validate_stage(schema, frame, stage="test", source="test.sav", failures_path=path)
    return pd.read_csv(path, keep_default_na=False)


def test_valid_respondents_pass(respondents: pd.DataFrame, codebook: Codebook, tmp_path: Path) -> None:
    """A built respondents table, nulls included, passes its schema and writes no failure file."""
    assert respondents.filter(like="_polar").isna().to_numpy().any(), "the sample should have missing options"
    validate_stage(
        respondents_schema(codebook),
        respondents,
        stage="respondents table",
        source="test.sav",
        failures_path=tmp_path / "failures.csv",
    )
    assert not (tmp_path / "failures.csv").exists()


def test_respondents_cells_reported(respondents: pd.DataFrame, codebook: Codebook, tmp_path: Path) -> None:
    """Each bad cell of the respondents table is one failure case with its column, row, value and rule."""
    frame = respondents.copy()
    frame.loc[3, "Q1_polar"] = 7
    frame.loc[3, "Q5_refined"] = -2
    frame.loc[10, "Q2_missing"] = "bogus"
    frame.loc[11, "sex"] = "Alien"
    frame.loc[12, "sex_code"] = -9
    frame.loc[13, "n_valid_answers"] = 999
    cases = _failures(respondents_schema(codebook), frame, tmp_path / "failures.csv")
    found = {(row.column, row.index, str(row.failure_case)) for row in cases.itertuples()}
    assert found == {
        ("Q1_polar", 3, "7"),
        ("Q5_refined", 3, "-2"),
        ("Q2_missing", 10, "bogus"),
        ("sex", 11, "Alien"),
        ("sex_code", 12, "-9"),
        ("n_valid_answers", 13, "999"),
    }
    rules = dict(zip(cases["column"], cases["check"], strict=True))
    assert rules["Q1_polar"] == "in_range(0, 1)"
    assert rules["sex_code"] == "greater_than_or_equal_to(-5)"
    assert rules["sex"] == "isin(['Female', 'Male'])"
    assert set(cases["stage"]) == {"test"}


def test_raw_codes_reported(codebook: Codebook, tmp_path: Path) -> None:
    """Unknown and non-integral raw codes fail per cell; blanks and missing codes pass."""
    frame = pd.DataFrame(
        {
            "B_COUNTRY": [8.0, 8.0, 8.0, 8.0],
            "D_INTERVIEW": [1.0, 2.0, 3.0, 4.0],
            "Q1": [1.0, np.nan, 7.0, -2.0],
            "Q2": [1.5, 2.0, -1.0, 9.0],
            "Q270": [3.0, -5.0, -6.0, np.nan],
        }
    )
    schema = raw_response_schema(codebook, frame.columns, has_interview_id=True)
    cases = _failures(schema, frame, tmp_path / "failures.csv")
    found = {(row.column, row.index, float(row.failure_case)) for row in cases.itertuples()}
    assert found == {("Q1", 2, 7.0), ("Q2", 0, 1.5), ("Q2", 3, 9.0), ("Q270", 2, -6.0)}


def test_wide_checks_beside_column_checks(codebook: Codebook, tmp_path: Path) -> None:
    """A column-level failure and a wide-check failure are both saved in one lazy run."""
    frame = pd.DataFrame(
        {"B_COUNTRY": [8.0, 999.0], "D_INTERVIEW": [1.0, 2.0], "Q1": [1.0, 8.0]},
    )
    schema = raw_response_schema(codebook, frame.columns, has_interview_id=True)
    cases = _failures(schema, frame, tmp_path / "failures.csv")
    assert {(row.column, row.index) for row in cases.itertuples()} == {("B_COUNTRY", 1), ("Q1", 1)}
    assert set(cases["schema_context"]) == {"Column", "DataFrameSchema"}


def test_schema_json_round_trip(built: Path, respondents: pd.DataFrame, tmp_path: Path) -> None:
    """The published respondents schema reads back with its wide checks and still rejects a bad option."""
    schema = pandera_pd.DataFrameSchema.from_json(built / "schemas" / "respondents.json")
    names = [check.name for check in schema.checks]
    assert names == ["columns_isin", "columns_in_range"]
    assert schema.checks[1].statistics["bounds"]["Q1_polar"] == [0, 1]
    frame = respondents.copy()
    frame.loc[0, "Q1_polar"] = 5
    cases = _failures(schema, frame, tmp_path / "failures.csv")
    assert list(cases["column"]) == ["Q1_polar"]

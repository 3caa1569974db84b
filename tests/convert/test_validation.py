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
        # A reason beside a set option also breaks the option-consistency rule, named by question.
        ("Q2", 10, "Q2_polar=0, Q2_refined=0, Q2_missing=bogus"),
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
    assert names == ["columns_isin", "columns_in_range", "option_columns_consistent"]
    assert schema.checks[1].statistics["bounds"]["Q1_polar"] == [0, 1]
    answered = int(respondents["Q1_polar"].notna().to_numpy().argmax())
    frame = respondents.copy()
    frame.loc[answered, "Q1_polar"] = 5
    cases = _failures(schema, frame, tmp_path / "failures.csv")
    assert list(cases["column"]) == ["Q1_polar"]
    assert schema.checks[2].statistics["questions"]["Q1"] == ["Q1_polar", "Q1_refined", "Q1_missing"]
    frame = respondents.copy()
    frame.loc[answered, "Q1_refined"] = None
    cases = _failures(schema, frame, tmp_path / "failures.csv")
    assert list(zip(cases["column"], cases["index"], strict=True)) == [("Q1", answered)]


def _row_where(frame: pd.DataFrame, question: str, answered: bool, skip: set[int]) -> int:
    """Return the first row index not in ``skip`` whose option of ``question`` is set (or null)."""
    mask = frame[f"{question}_polar"].notna().to_numpy(dtype=bool) == answered
    return next(int(index) for index in np.flatnonzero(mask) if int(index) not in skip)


def test_inconsistent_option_columns(respondents: pd.DataFrame, codebook: Codebook, tmp_path: Path) -> None:
    """Each way in which polar, refined and missing reason disagree is one failure case naming the question."""
    frame = respondents.copy()
    used: set[int] = set()
    # A null option without a missing reason: what a codebook with a gap in its polar options produced.
    no_reason = _row_where(frame, "Q1", answered=False, skip=used)
    used.add(no_reason)
    frame.loc[no_reason, "Q1_missing"] = None
    # A refined option without a polar one.
    refined_only = _row_where(frame, "Q1", answered=True, skip=used)
    used.add(refined_only)
    frame.loc[refined_only, "Q1_polar"] = None
    # A polar option without a refined one, and no reason.
    polar_only = _row_where(frame, "Q3", answered=True, skip=used)
    used.add(polar_only)
    frame.loc[polar_only, "Q3_refined"] = None
    # Both options set and a missing reason as well.
    both = _row_where(frame, "Q4", answered=True, skip=used)
    frame.loc[both, "Q4_missing"] = "dont_know"

    path = tmp_path / "failures.csv"
    cases = _failures(respondents_schema(codebook), frame, path)
    found = {(row.column, row.index) for row in cases.itertuples()}
    assert found == {("Q1", no_reason), ("Q1", refined_only), ("Q3", polar_only), ("Q4", both)}
    values = dict(zip(zip(cases["column"], cases["index"], strict=True), cases["failure_case"], strict=True))
    assert values[("Q1", no_reason)] == "Q1_polar=null, Q1_refined=null, Q1_missing=null"
    assert values[("Q4", both)].endswith("Q4_missing=dont_know")
    assert set(cases["check"]) == {
        "polar and refined both null or both set; missing reason exactly when null"
    }
    assert set(cases["stage"]) == {"test"}


def test_inconsistency_message(respondents: pd.DataFrame, codebook: Codebook, tmp_path: Path) -> None:
    """The error summary names the question and the rule, and points at the saved failure table."""
    frame = respondents.copy()
    row = _row_where(frame, "Q7", answered=False, skip=set())
    frame.loc[row, "Q7_missing"] = None
    with pytest.raises(ValidationFailedError) as raised:
        validate_stage(
            respondents_schema(codebook),
            frame,
            stage="respondents table",
            source="test.sav",
            failures_path=tmp_path / "failures.csv",
        )
    message = raised.value.message
    assert "respondents table validation found 1 failure case(s)" in message
    assert (
        "- Q7: polar and refined both null or both set; missing reason exactly when null failed for 1 row(s)"
        in message
    )
    assert str(tmp_path / "failures.csv") in message

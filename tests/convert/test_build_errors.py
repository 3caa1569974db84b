"""Build failures: validation, label drift, coverage and empty respondents, in default and strict mode."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from indievaluecatalog.convert import BuildOptions, build_catalog
from indievaluecatalog.errors import InputFileError, ValidationFailedError
from indievaluecatalog.sample import SyntheticSurvey, generate_sample


def test_unknown_code_fails_validation(
    sample_survey: SyntheticSurvey, write_file: Callable[..., Path], tmp_path: Path
) -> None:
    """Q1 = 7 is a code the codebook does not know: validation fails and saves the failure cases."""
    frame = sample_survey.frame.copy()
    frame.loc[frame.index[3], "Q1"] = 7
    frame.loc[frame.index[4], "Q2"] = 9
    path = write_file(sample_survey, "bad_codes.sav", frame)
    out = tmp_path / "catalog"
    with pytest.raises(ValidationFailedError) as caught:
        build_catalog(path, BuildOptions(out=out))
    failures = tmp_path / "catalog.validation_failures.csv"
    assert str(failures) in caught.value.message
    assert str(path) in caught.value.message
    assert "Q1" in caught.value.message
    assert "Q2" in caught.value.message, "lazy validation reports every failure at once"
    cases = pd.read_csv(failures)
    assert {"Q1", "Q2"} <= set(cases["column"])
    assert 7 in set(cases.loc[cases["column"] == "Q1", "failure_case"].astype(float))
    assert not out.exists()


def test_duplicate_interview_ids(
    sample_survey: SyntheticSurvey, write_file: Callable[..., Path], tmp_path: Path
) -> None:
    """Two rows with the same country and interview id fail validation."""
    frame = sample_survey.frame.copy()
    frame.loc[frame.index[1], ["B_COUNTRY", "D_INTERVIEW"]] = frame.loc[
        frame.index[0], ["B_COUNTRY", "D_INTERVIEW"]
    ]
    path = write_file(sample_survey, "duplicates.sav", frame)
    with pytest.raises(ValidationFailedError) as caught:
        build_catalog(path, BuildOptions(out=tmp_path / "catalog"))
    assert "D_INTERVIEW" in caught.value.message
    assert not (tmp_path / "catalog").exists()


def test_label_drift_warns_by_default(write_file: Callable[..., Path], tmp_path: Path) -> None:
    """A v5.0 file builds with its label differences in reports/label_drift.csv."""
    survey = generate_sample(respondents=60, seed=2, version="5.0")
    out = tmp_path / "catalog"
    result = build_catalog(write_file(survey, "v5.sav"), BuildOptions(out=out))
    report = pd.read_csv(out / "reports" / "label_drift.csv")
    assert len(report) == result.manifest["reports"]["label_drift"] > 0
    assert {"variable", "code", "file_label", "codebook_label"} <= set(report.columns)
    assert result.manifest["source"]["wvs_version"] == "5.0"
    assert "10.14281/18241.20" in (out / "README.md").read_text()


def test_label_drift_strict_fails(write_file: Callable[..., Path], tmp_path: Path) -> None:
    """With --strict a v5.0 file's label differences fail the build and are saved beside it."""
    survey = generate_sample(respondents=60, seed=2, version="5.0")
    out = tmp_path / "catalog"
    with pytest.raises(InputFileError) as caught:
        build_catalog(write_file(survey, "v5.sav"), BuildOptions(out=out, strict=True))
    assert "differ from the codebook" in caught.value.message
    assert (tmp_path / "catalog.label_drift.csv").is_file()
    assert not out.exists()


def _derivative(survey: SyntheticSurvey, path: Path) -> Path:
    frame = survey.frame.drop(columns=["D_INTERVIEW", "Q5", "Q6"])
    frame["Q7"] = frame["Q7"].astype("float64").mask(frame["Q7"] < 0)
    frame.to_csv(path, index=False)
    return path


def test_derivative_builds_with_coverage(sample_survey: SyntheticSurvey, tmp_path: Path) -> None:
    """A derivative file builds what is there and lists absent questions with respondents affected."""
    path = _derivative(sample_survey, tmp_path / "subset.csv")
    out = tmp_path / "catalog"
    result = build_catalog(path, BuildOptions(out=out))
    coverage = pd.read_csv(out / "reports" / "coverage.csv").set_index("item")
    assert coverage.loc["Q5", "status"] == "not_in_file"
    assert coverage.loc["Q5", "respondents_affected"] == 150
    assert coverage.loc["D_INTERVIEW", "status"] == "not_in_file"
    assert result.manifest["source"]["layout"] == "derivative"
    table = pq.read_table(out / "data" / "respondents.parquet")
    assert set(table.column("Q5_missing").to_pylist()) == {"not_in_file"}
    assert "blank" in set(table.column("Q7_missing").to_pylist())
    assert any("row order" in warning for warning in result.warnings)


def test_derivative_strict_fails(sample_survey: SyntheticSurvey, tmp_path: Path) -> None:
    """With --strict a derivative file fails and its coverage report is saved beside the output."""
    path = _derivative(sample_survey, tmp_path / "subset.csv")
    with pytest.raises(InputFileError) as caught:
        build_catalog(path, BuildOptions(out=tmp_path / "catalog", strict=True))
    assert "Q5" in caught.value.message
    assert (tmp_path / "catalog.coverage.csv").is_file()
    assert not (tmp_path / "catalog").exists()


def test_respondents_without_answers(write_file: Callable[..., Path], tmp_path: Path) -> None:
    """Respondents without a valid value answer are kept with a warning; --strict fails instead."""
    survey = generate_sample(respondents=80, seed=4, empty_respondents=3)
    path = write_file(survey, "empty_people.sav")
    result = build_catalog(path, BuildOptions(out=tmp_path / "catalog"))
    assert result.manifest["reports"]["respondents_without_valid_answers"] == 3
    assert result.row_counts["respondents"] == 80
    valid = pq.read_table(tmp_path / "catalog" / "data" / "respondents.parquet").column("n_valid_answers")
    assert valid.to_pylist().count(0) == 3
    with pytest.raises(InputFileError, match="3 respondent"):
        build_catalog(path, BuildOptions(out=tmp_path / "strict", strict=True))
    assert not (tmp_path / "strict").exists()

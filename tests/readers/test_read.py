"""Reading raw WVS-7 files: formats, layouts, versions, user-missing codes, label drift and coverage."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from indievaluecatalog.codebook import Codebook
from indievaluecatalog.readers import read_wvs_file


def test_official_sav_keeps_missing_codes(wvs_files: Any) -> None:
    """An official v6.0 .sav reads as official 6.0 with negative missing codes as values."""
    path = wvs_files.official()
    survey = read_wvs_file(path)
    assert survey.layout == "official"
    assert survey.wvs_version == "6.0"
    assert survey.file_format == "sav"
    assert survey.has_interview_id
    assert len(survey.responses) == wvs_files.n
    assert survey.coverage == ()
    assert survey.label_drift == ()
    codes = np.concatenate([survey.responses[f"Q{i}"].to_numpy() for i in range(1, 60)])
    assert (codes < 0).any(), "user-missing codes must stay negative values, not NaN"
    assert not np.isnan(codes).any()


def test_official_file_label_marks_synthetic(wvs_files: Any) -> None:
    """The file label of a synthetic sample is kept for provenance."""
    survey = read_wvs_file(wvs_files.official())
    assert survey.file_label is not None
    assert "SYNTHETIC" in survey.file_label


@pytest.mark.parametrize("name", ["wvs7.dta", "wvs7.csv", "wvs7.zsav"])
def test_other_formats_match_sav(wvs_files: Any, name: str) -> None:
    """.dta, .csv and .zsav files give the same responses as the .sav file."""
    reference = read_wvs_file(wvs_files.official("reference.sav")).responses
    survey = read_wvs_file(wvs_files.official(name))
    assert survey.layout == "official"
    assert survey.wvs_version == "6.0"
    for column in ["B_COUNTRY", "D_INTERVIEW", "Q1", "Q57", "Q260", "Q275"]:
        assert np.array_equal(
            wvs_files.as_int(survey.responses[column]), wvs_files.as_int(reference[column])
        ), column


def test_zip_member_is_read(wvs_files: Any, tmp_path: Path) -> None:
    """A .zip holding one .sav is read through its member."""
    sav = wvs_files.official()
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.write(sav, "WVS_Cross-National_Wave_7_spss_v6_0.sav")
        handle.writestr("readme.txt", "not data")
    survey = read_wvs_file(archive)
    assert survey.member == "WVS_Cross-National_Wave_7_spss_v6_0.sav"
    assert survey.path == archive
    assert len(survey.responses) == wvs_files.n


def test_v5_version_and_label_drift(wvs_files: Any) -> None:
    """A v5.0 file reads as version 5.0 and reports its labels that differ from the codebook."""
    survey = read_wvs_file(wvs_files.official("v5.sav", version="5.0"))
    assert survey.wvs_version == "5.0"
    assert "18241.20" in (survey.doi or "")
    assert survey.label_drift, "v5.0 labels differ from the v6.0 codebook"
    changed = {(d.variable, d.code) for d in survey.label_drift}
    assert ("Q275", 0) in changed
    for difference in survey.label_drift:
        assert difference.kind in ("changed", "not_in_file", "not_in_codebook")


def test_label_drift_lists_changed_and_unknown_codes(wvs_files: Any) -> None:
    """Edited value labels show up by variable and code with both labels."""
    survey = wvs_files.survey()
    labels = {name: dict(mapping) for name, mapping in survey.value_labels.items()}
    labels["Q1"][1] = "Extremely important"
    labels["Q2"][9] = "Invented code"
    del labels["Q3"][4]
    edited = survey.__class__(**{**survey.__dict__, "value_labels": labels})
    result = read_wvs_file(wvs_files.write(edited, "edited.sav"))
    by_key = {(d.variable, d.code): d for d in result.label_drift}
    assert by_key[("Q1", 1)].file_label == "Extremely important"
    assert by_key[("Q1", 1)].codebook_label == "Very important"
    assert by_key[("Q2", 9)].kind == "not_in_codebook"
    assert by_key[("Q3", 4)].kind == "not_in_file"


def test_timeseries_keeps_wave7_rows(wvs_files: Any) -> None:
    """The time-series layout maps A001 to Q1 and keeps only the wave-7 rows."""
    survey = read_wvs_file(wvs_files.timeseries())
    assert survey.layout == "timeseries"
    assert survey.rows_in_file == 2 * wvs_files.n
    assert len(survey.responses) == wvs_files.n
    assert survey.renamed["Q1"] == "A001"
    assert "Q1" in survey.responses.columns
    assert survey.has_interview_id


def test_joint_layout_uses_joint_names(wvs_files: Any, codebook: Codebook) -> None:
    """The joint EVS/WVS layout maps joint names and lists questions the joint file lacks."""
    survey = read_wvs_file(wvs_files.joint())
    assert survey.layout == "joint"
    assert len(survey.responses) == wvs_files.n
    assert survey.renamed["B_COUNTRY"] == "cntry"
    absent = {gap.item for gap in survey.coverage if gap.status == "not_in_file"}
    without_joint = {q.id for q in codebook.questions if not q.aliases.joint}
    assert without_joint <= absent


def test_derivative_csv_reports_coverage(wvs_files: Any) -> None:
    """A derivative CSV (subset, blanks, country names, no id) builds a coverage list instead of failing."""
    survey = read_wvs_file(wvs_files.derivative())
    assert survey.layout == "derivative"
    assert not survey.has_interview_id
    gaps = {gap.item: gap for gap in survey.coverage}
    assert gaps["Q1"].status == "not_in_file"
    assert gaps["Q1"].respondents_affected == wvs_files.n
    assert gaps["D_INTERVIEW"].status == "not_in_file"
    assert any(gap.status == "some_blank" for gap in survey.coverage)
    assert survey.responses["B_COUNTRY"].notna().all()
    assert (survey.responses["Q21"].dropna() > 0).all()
    assert any("row order" in warning for warning in survey.warnings)


def test_latin1_csv_falls_back(wvs_files: Any, tmp_path: Path) -> None:
    """A latin-1 CSV is read as latin-1 with a warning."""
    survey = wvs_files.survey()
    frame = survey.frame.copy()
    frame["N_TOWN"] = "Zürich"
    path = tmp_path / "latin1.csv"
    frame.to_csv(path, index=False, encoding="latin-1")
    result = read_wvs_file(path)
    assert result.encoding == "latin-1"
    assert any("latin-1" in warning for warning in result.warnings)
    assert len(result.responses) == wvs_files.n


def test_country_names_unknown_rejected(wvs_files: Any, tmp_path: Path) -> None:
    """Country names the codebook does not know are rejected with the names listed."""
    from indievaluecatalog.errors import InputFileError

    frame = wvs_files.survey().frame.copy()
    frame["B_COUNTRY"] = "Atlantis"
    path = tmp_path / "names.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(InputFileError, match="Atlantis"):
        read_wvs_file(path)


def test_age_band_derived_from_age(wvs_files: Any, tmp_path: Path) -> None:
    """Without X003R the age band is derived from the age Q262."""
    frame = wvs_files.survey().frame.copy()
    expected = frame["X003R"].to_numpy()
    frame = frame.drop(columns=["X003R"])
    path = tmp_path / "no_band.csv"
    frame.to_csv(path, index=False)
    survey = read_wvs_file(path)
    derived = survey.responses["X003R"].to_numpy()
    valid = (frame["Q262"].to_numpy() >= 16) & (expected > 0)
    assert np.array_equal(derived[valid], expected[valid])
    assert isinstance(survey.responses, pd.DataFrame)

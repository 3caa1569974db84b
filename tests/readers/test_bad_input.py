"""Bad input files: each is rejected with an InputFileError that names the file and says what to do."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from indievaluecatalog.errors import InputFileError
from indievaluecatalog.readers import read_wvs_file


def _error(path: Path) -> InputFileError:
    with pytest.raises(InputFileError) as caught:
        read_wvs_file(path)
    error = caught.value
    assert str(path) in error.message, "the message must name the file"
    assert error.hint, "the error must say what to do"
    return error


def test_missing_file(tmp_path: Path) -> None:
    """A path that does not exist is reported as not found."""
    error = _error(tmp_path / "absent.sav")
    assert "not found" in error.message


def test_unknown_suffix(tmp_path: Path) -> None:
    """An .xlsx file is rejected for its suffix."""
    path = tmp_path / "wvs7.xlsx"
    path.write_bytes(b"PK\x03\x04")
    error = _error(path)
    assert ".xlsx" in error.message


def test_empty_file(tmp_path: Path) -> None:
    """A zero-byte .sav is reported as empty."""
    path = tmp_path / "empty.sav"
    path.write_bytes(b"")
    error = _error(path)
    assert "empty" in error.message


def test_not_a_data_file(tmp_path: Path) -> None:
    """A text file named .sav cannot be read as SPSS."""
    path = tmp_path / "notes.sav"
    path.write_text("these are my notes, not survey data\n")
    error = _error(path)
    assert "SPSS" in error.message


def test_binary_csv_rejected(tmp_path: Path) -> None:
    """A binary file named .csv is not a text CSV file."""
    path = tmp_path / "data.csv"
    path.write_bytes(b"\x00\x01\x02binary" * 100)
    error = _error(path)
    assert "binary" in error.message


def test_truncated_sav(wvs_files: Any) -> None:
    """A .sav cut in the middle of its rows is reported as truncated."""
    path = wvs_files.official()
    data = path.read_bytes()
    truncated = path.with_name("truncated.sav")
    truncated.write_bytes(data[: len(data) * 2 // 3])
    error = _error(truncated)
    assert "truncated" in error.message


def test_truncated_zip(wvs_files: Any, tmp_path: Path) -> None:
    """A zip archive cut short is reported as not a valid archive."""
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.write(wvs_files.official(), "wvs7.sav")
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    error = _error(archive)
    assert "zip" in error.message


def test_zip_without_data_file(tmp_path: Path) -> None:
    """A zip with no .sav, .dta or .csv member is rejected and lists what it found."""
    archive = tmp_path / "docs.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("codebook.pdf", "pdf")
    error = _error(archive)
    assert "exactly one" in error.message


def test_timeseries_wave6_only(wvs_files: Any) -> None:
    """A time-series file with wave-6 rows only has no wave-7 rows to build from."""
    error = _error(wvs_files.timeseries("wave6.sav", waves=(6,)))
    assert "wave-7" in error.message
    assert "[6]" in error.message


def test_official_names_wave6(wvs_files: Any) -> None:
    """A file with WVS-7 names but A_WAVE = 6 everywhere is another wave."""
    survey = wvs_files.survey()
    frame = survey.frame.copy()
    frame["A_WAVE"] = 6
    path = wvs_files.write(survey.__class__(**{**survey.__dict__, "frame": frame}), "wave6.sav")
    error = _error(path)
    assert "[6]" in error.message


def test_wave6_v_names(tmp_path: Path) -> None:
    """A WVS-6 style file with V-numbered variables is recognised as an earlier wave."""
    path = tmp_path / "wvs6.csv"
    pd.DataFrame({"V1": [6, 6], "V2": [20, 20], "V4": [1, 2]}).to_csv(path, index=False)
    error = _error(path)
    assert "waves 1-6" in error.message


def test_unrelated_csv(tmp_path: Path) -> None:
    """A CSV without any WVS variable is not a WVS-7 file."""
    path = tmp_path / "sales.csv"
    pd.DataFrame({"month": ["jan"], "revenue": [3]}).to_csv(path, index=False)
    error = _error(path)
    assert "not a WVS-7 file" in error.message


def test_header_only_csv(tmp_path: Path) -> None:
    """A CSV with a header and no rows is reported as having no rows."""
    path = tmp_path / "header.csv"
    path.write_text("B_COUNTRY,D_INTERVIEW,Q1\n")
    error = _error(path)
    assert "no rows" in error.message

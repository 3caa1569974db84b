"""Written files: round trips through pyreadstat, reproducible bytes, layouts, latin-1 and provenance."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from indievaluecatalog.codebook import Codebook
from indievaluecatalog.errors import SampleError
from indievaluecatalog.sample import read_sample_provenance, write_sample


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_sav_round_trip_keeps_metadata(tmp_path: Path, codebook: Codebook) -> None:
    """A .sav read with user_missing=True keeps variable labels, value labels and missing ranges."""
    path = write_sample(tmp_path / "s.sav", respondents=200, codebook=codebook)
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    assert frame.shape == (200, 613)
    assert meta.column_names_to_labels["Q1"] == "Important in life: Family"
    assert meta.variable_value_labels["Q1"][1] == "Very important"
    assert meta.variable_value_labels["Q1"][-1] == "Don't know"
    assert meta.missing_ranges["Q1"] == [{"lo": -5.0, "hi": -1.0}]
    assert (frame["Q1"] < 0).any()
    assert "B_COUNTRY" in meta.variable_value_labels
    assert "O1_LONGITUDE" not in meta.missing_ranges


def test_dta_and_csv_keep_negative_codes(tmp_path: Path, codebook: Codebook) -> None:
    """.dta and .csv keep the negative missing codes as plain values, equal to the .sav data."""
    sav, _ = pyreadstat.read_sav(str(write_sample(tmp_path / "s.sav", respondents=150, codebook=codebook)))
    dta, meta = pyreadstat.read_dta(str(write_sample(tmp_path / "s.dta", respondents=150, codebook=codebook)))
    csv = pd.read_csv(write_sample(tmp_path / "s.csv", respondents=150, codebook=codebook))
    assert (dta["Q1"] < 0).any()
    assert (csv["Q1"] < 0).any()
    assert (dta["Q1"].to_numpy() == csv["Q1"].to_numpy()).all()
    assert meta.variable_value_labels["Q1"][-2] == "No answer"
    # Without user_missing, pyreadstat turns the declared .sav missing codes into NaN.
    assert sav["Q1"].isna().sum() == (csv["Q1"] < 0).sum()


@pytest.mark.parametrize("suffix", ["sav", "zsav", "dta", "csv"])
def test_same_seed_same_bytes(tmp_path: Path, suffix: str, codebook: Codebook) -> None:
    """Writing twice with one seed gives identical bytes; another seed gives other bytes."""
    first = write_sample(tmp_path / f"a.{suffix}", respondents=120, seed=4, codebook=codebook)
    again = write_sample(tmp_path / f"b.{suffix}", respondents=120, seed=4, codebook=codebook)
    other = write_sample(tmp_path / f"c.{suffix}", respondents=120, seed=5, codebook=codebook)
    assert _digest(first) == _digest(again)
    assert _digest(first) != _digest(other)


@pytest.mark.parametrize("suffix", ["sav", "dta", "csv"])
def test_provenance_read_back(tmp_path: Path, suffix: str, codebook: Codebook) -> None:
    """The seed, size, version and layout are readable back from the file."""
    path = write_sample(tmp_path / f"p.{suffix}", respondents=90, seed=12, version="5.0", codebook=codebook)
    provenance = read_sample_provenance(path)
    assert provenance is not None
    assert provenance.seed == 12
    assert provenance.respondents == 90
    assert provenance.version == "5.0"
    assert provenance.layout == "official"


def test_provenance_none_for_other_files(tmp_path: Path) -> None:
    """A file without the marker has no provenance."""
    path = tmp_path / "plain.csv"
    pd.DataFrame({"version": ["6-0-0 (2024)"], "Q1": [1]}).to_csv(path, index=False)
    assert read_sample_provenance(path) is None


def test_timeseries_layout_names(tmp_path: Path, codebook: Codebook) -> None:
    """The time-series layout uses time-series codes and mixes waves 5, 6 and 7."""
    path = write_sample(tmp_path / "ts.sav", respondents=200, layout="timeseries", codebook=codebook)
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    for name in ("S002VS", "S003", "A001", "S007", "S020"):
        assert name in frame.columns, name
    assert "Q1" not in frame.columns
    assert set(frame["S002VS"].unique()) == {5.0, 6.0, 7.0}
    assert (frame["S002VS"] == 7).sum() == 200
    assert frame["S007"].is_unique
    assert meta.column_names_to_labels["A001"] == "Important in life: Family"


def test_joint_layout_names(tmp_path: Path, codebook: Codebook) -> None:
    """The joint layout uses joint names and holds EVS rows from EVS-only countries."""
    path = write_sample(tmp_path / "joint.dta", respondents=200, layout="joint", codebook=codebook)
    frame, _ = pyreadstat.read_dta(str(path))
    for name in ("cntry", "study", "wave", "uniqid", "A001"):
        assert name in frame.columns, name
    assert "B_COUNTRY" not in frame.columns
    evs = frame[frame["study"] == 1]
    assert len(evs) > 0
    evs_only = {c.code for c in codebook.countries if not c.wvs7_v6_respondents}
    assert set(evs["cntry"].astype(int)) <= evs_only


def test_derivative_layout(tmp_path: Path, codebook: Codebook) -> None:
    """The derivative layout drops columns and the interview id, blanks negatives, names countries."""
    path = write_sample(tmp_path / "d.csv", respondents=200, layout="derivative", codebook=codebook)
    frame = pd.read_csv(path)
    assert "D_INTERVIEW" not in frame.columns
    assert len(frame.columns) < 300
    assert not pd.api.types.is_numeric_dtype(frame["B_COUNTRY"])
    assert "Australia" in set(frame["B_COUNTRY"]) or "Canada" in set(frame["B_COUNTRY"])
    questions = [q.id for q in codebook.questions if q.id in frame.columns]
    assert len(questions) < len(codebook.questions)
    values = frame[questions]
    assert values.isna().to_numpy().any()
    assert not (values < 0).to_numpy().any()


def test_latin1_sav(tmp_path: Path, codebook: Codebook) -> None:
    """A latin-1 .sav stores non-ASCII labels in latin-1 and reads back correctly."""
    path = write_sample(tmp_path / "l.sav", respondents=80, encoding="latin-1", codebook=codebook)
    raw = path.read_bytes()
    assert "Región".encode("latin-1") in raw
    assert "Región".encode() not in raw
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    assert meta.file_encoding == "ISO-8859-1"
    labels = set(meta.variable_value_labels["N_REGION_WVS"].values())
    assert any("Región" in label for label in labels)
    assert meta.missing_ranges["Q1"] == [{"lo": -5.0, "hi": -1.0}]
    assert frame.shape == (80, 613)


@pytest.mark.parametrize(
    ("name", "arguments", "message"),
    [
        ("x.xlsx", {}, "Unknown sample file suffix"),
        ("x.sav", {"fmt": "xls"}, "Unknown sample file format"),
        ("x.dta", {"encoding": "latin-1"}, "latin-1 .dta"),
        ("x.zsav", {"encoding": "latin-1"}, "latin-1 .zsav"),
        ("x.sav", {"encoding": "cp437"}, "Unknown encoding"),
        ("x.sav", {"respondents": 0}, "respondents must be at least 1"),
        ("x.sav", {"fmt": "dta"}, "Format 'dta' does not match the suffix '.sav'"),
        ("x.csv", {"fmt": "sav"}, "Format 'sav' does not match the suffix '.csv'"),
        ("missing/x.sav", {}, "does not exist"),
    ],
)
def test_write_rejects_bad_arguments(
    tmp_path: Path, name: str, arguments: dict[str, object], message: str
) -> None:
    """Bad formats, encodings, sizes and folders raise SampleError with the reason."""
    with pytest.raises(SampleError, match=message):
        write_sample(tmp_path / name, **arguments)  # type: ignore[arg-type]


def test_write_leaves_no_partial_file(tmp_path: Path) -> None:
    """A rejected write leaves nothing behind in the folder."""
    with pytest.raises(SampleError):
        write_sample(tmp_path / "x.sav", respondents=0)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("name", "fmt"), [("good.sav", "dta"), ("good.csv", "zsav")])
def test_format_mismatch_keeps_existing_file(tmp_path: Path, name: str, fmt: str, codebook: Codebook) -> None:
    """A format that disagrees with the suffix leaves an existing file byte for byte unchanged."""
    existing = write_sample(tmp_path / name, respondents=40, codebook=codebook)
    before = _digest(existing)
    with pytest.raises(SampleError, match="does not match the suffix"):
        write_sample(existing, respondents=40, fmt=fmt, codebook=codebook)
    assert _digest(existing) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == [name]


def test_format_decides_for_other_suffix(tmp_path: Path, codebook: Codebook) -> None:
    """With a suffix that is no sample format, the given format is written and readable as that format."""
    path = write_sample(tmp_path / "sample.data", respondents=30, fmt="dta", codebook=codebook)
    frame, _ = pyreadstat.read_dta(str(path))
    assert len(frame) == 30
    assert read_sample_provenance(path) is None
    provenance = read_sample_provenance(path, fmt="dta")
    assert provenance is not None
    assert provenance.respondents == 30


def test_unreadable_write_keeps_existing_file(
    tmp_path: Path, codebook: Codebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A written file that cannot be read back is discarded and the earlier file stays in place."""
    existing = write_sample(tmp_path / "good.dta", respondents=40, codebook=codebook)
    before = _digest(existing)

    def write_garbage(survey: object, path: Path) -> None:
        path.write_bytes(b"not a Stata file")

    monkeypatch.setattr("indievaluecatalog.sample._write._write_dta", write_garbage)
    with pytest.raises(SampleError, match=r"dta file written for .*good\.dta cannot be read back"):
        write_sample(existing, respondents=40, seed=9, codebook=codebook)
    assert _digest(existing) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["good.dta"]

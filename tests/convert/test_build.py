"""Building a catalog: contents, loading with datasets, reproducibility and the output folder rules."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import datasets
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from indievaluecatalog.codebook import load_codebook
from indievaluecatalog.convert import BuildOptions, build_catalog, configs_from_manifest, render_dataset_card
from indievaluecatalog.errors import BuildError
from indievaluecatalog.sample import SyntheticSurvey


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_load_dataset_row_counts(official_sav: Path, tmp_path: Path) -> None:
    """load_dataset reads both configs offline with the manifest's row counts and explicit features."""
    out = tmp_path / "catalog"
    result = build_catalog(official_sav, BuildOptions(out=out))
    manifest = json.loads((out / "manifest.json").read_text())
    respondents = datasets.load_dataset(str(out), "respondents", split="train")
    statements = datasets.load_dataset(str(out), "statements", split="train")
    assert len(respondents) == manifest["row_counts"]["respondents"] == 150
    assert len(statements) == manifest["row_counts"]["statements"] == result.row_counts["statements"]
    assert respondents.features["Q1_polar"] == datasets.Value("int8")
    assert respondents.features["demographic_statements"] == datasets.List(datasets.Value("string"))
    assert statements.features["codes"] == datasets.List(datasets.Value("int16"))


def test_statement_counts_match_codebook(official_sav: Path, tmp_path: Path) -> None:
    """The statements table has one row per option: 567 polar and 929 refined."""
    build_catalog(official_sav, BuildOptions(out=tmp_path / "catalog"))
    table = pq.read_table(tmp_path / "catalog" / "data" / "statements.parquet")
    granularity = table.column("granularity").to_pylist()
    assert granularity.count("polar") == 567
    assert granularity.count("refined") == 929


def test_options_follow_codebook(sample_survey: SyntheticSurvey, official_sav: Path, tmp_path: Path) -> None:
    """Each respondent's option and missing reason match the codebook for the raw code."""
    book = load_codebook()
    build_catalog(official_sav, BuildOptions(out=tmp_path / "catalog"))
    table = pq.read_table(tmp_path / "catalog" / "data" / "respondents.parquet")
    reasons = {r.code: r.reason for r in book.missing_reasons}
    for question_id in ["Q1", "Q46", "Q106", "Q111", "Q241", "Q259"]:
        question = book.question(question_id)
        raw = sample_survey.frame[question_id].to_numpy()
        polar = table.column(f"{question_id}_polar").to_pylist()
        refined = table.column(f"{question_id}_refined").to_pylist()
        missing = table.column(f"{question_id}_missing").to_pylist()
        for code, got_polar, got_refined, got_missing in zip(
            raw.tolist(), polar, refined, missing, strict=True
        ):
            option = question.option_for_code(int(code), "polar")
            if option is not None:
                assert got_polar == option.index, (question_id, code)
                assert got_refined == question.option_for_code(int(code), "refined").index  # type: ignore[union-attr]
                assert got_missing is None
            elif code < 0:
                assert got_polar is None
                assert got_missing == reasons[int(code)]
            else:
                assert got_polar is None
                assert got_missing == "outside_options"
    valid = table.column("n_valid_answers").to_numpy()
    assert valid.max() <= len(book.questions)


def test_respondent_ids_stable(official_sav: Path, tmp_path: Path, sample_survey: SyntheticSurvey) -> None:
    """Respondent ids are R + 16 hex digits of SHA-256 of wvs7:<country>:<interview id>."""
    import hashlib

    build_catalog(official_sav, BuildOptions(out=tmp_path / "catalog"))
    ids = (
        pq.read_table(tmp_path / "catalog" / "data" / "respondents.parquet")
        .column("respondent_id")
        .to_pylist()
    )
    row = sample_survey.frame.iloc[0]
    key = f"wvs7:{int(row['B_COUNTRY'])}:{int(row['D_INTERVIEW'])}"
    assert ids[0] == "R" + hashlib.sha256(key.encode()).hexdigest()[:16]
    assert len(set(ids)) == len(ids)


def test_manifest_provenance(official_sav: Path, tmp_path: Path) -> None:
    """The manifest records the source hash, layout, version, synthetic marker and every file's SHA-256."""
    import hashlib

    out = tmp_path / "catalog"
    build_catalog(official_sav, BuildOptions(out=out, seed=7))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["source"]["sha256"] == hashlib.sha256(official_sav.read_bytes()).hexdigest()
    assert manifest["source"]["layout"] == "official"
    assert manifest["source"]["wvs_version"] == "6.0"
    assert manifest["source"]["synthetic"] is not None
    assert manifest["seed"] == 7
    assert manifest["codebook"]["version"] == load_codebook().version
    for relative, digest in manifest["files"].items():
        assert hashlib.sha256((out / relative).read_bytes()).hexdigest() == digest, relative
    assert "README.md" in manifest["files"]
    assert (out / "schemas" / "respondents.json").is_file()
    assert (out / "schemas" / "raw_responses.json").is_file()


def test_card_renders_from_manifest(official_sav: Path, tmp_path: Path) -> None:
    """The dataset card is a pure function of the manifest: rendering again gives the same text."""
    out = tmp_path / "catalog"
    build_catalog(official_sav, BuildOptions(out=out))
    manifest = json.loads((out / "manifest.json").read_text())
    card = render_dataset_card(manifest, configs_from_manifest(manifest))
    assert card == (out / "README.md").read_text()
    assert "10.14281/18241.24" in card
    assert "2410.03868" in card
    assert "redistribute" in card
    assert "private" in card
    assert "special-category" in card


def test_build_is_reproducible(official_sav: Path, tmp_path: Path) -> None:
    """Two builds of the same file with the same options give byte-identical folders."""
    first = tmp_path / "first"
    second = tmp_path / "second"
    build_catalog(official_sav, BuildOptions(out=first, seed=3))
    build_catalog(official_sav, BuildOptions(out=second, seed=3))
    assert _files(first) == _files(second)


def test_existing_catalog_needs_overwrite(official_sav: Path, tmp_path: Path) -> None:
    """A second build into a catalog folder fails without --overwrite and replaces it with it."""
    out = tmp_path / "catalog"
    build_catalog(official_sav, BuildOptions(out=out, seed=1))
    with pytest.raises(BuildError, match="--overwrite"):
        build_catalog(official_sav, BuildOptions(out=out, seed=2))
    assert json.loads((out / "manifest.json").read_text())["seed"] == 1
    build_catalog(official_sav, BuildOptions(out=out, seed=2, overwrite=True))
    assert json.loads((out / "manifest.json").read_text())["seed"] == 2
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".catalog")]


def test_non_catalog_folder_untouched(official_sav: Path, tmp_path: Path) -> None:
    """A folder that is not a catalog is rejected by name, even with overwrite, and left as it was."""
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    for overwrite in (False, True):
        with pytest.raises(BuildError) as caught:
            build_catalog(official_sav, BuildOptions(out=out, overwrite=overwrite))
        assert str(out) in caught.value.message
        assert "--out" in (caught.value.hint or "")
    assert _files(out) == {"notes.txt": b"keep me"}


def test_failed_build_leaves_catalog(
    official_sav: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure while writing leaves the existing catalog byte for byte as it was, with no staging folder."""
    from indievaluecatalog.convert import _write

    out = tmp_path / "catalog"
    build_catalog(official_sav, BuildOptions(out=out))
    before = _files(out)
    calls = []

    def failing_write(table: object, path: Path) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError("disk full (injected)")
        original(table, path)  # type: ignore[arg-type]

    original = _write.write_parquet
    monkeypatch.setattr(_write, "write_parquet", failing_write)
    with pytest.raises(OSError, match="injected"):
        build_catalog(official_sav, BuildOptions(out=out, seed=9, overwrite=True))
    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_failed_first_build_writes_nothing(
    official_sav: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure while writing a new catalog leaves no output folder behind."""
    from indievaluecatalog.convert import _write

    def failing_write(table: object, path: Path) -> None:
        raise OSError("disk full (injected)")

    monkeypatch.setattr(_write, "write_parquet", failing_write)
    with pytest.raises(OSError):
        build_catalog(official_sav, BuildOptions(out=tmp_path / "catalog"))
    assert not (tmp_path / "catalog").exists()


@pytest.mark.parametrize("name", ["wvs7.dta", "wvs7.csv"])
def test_formats_build_same_tables(
    sample_survey: SyntheticSurvey, write_file: Callable[..., Path], tmp_path: Path, name: str
) -> None:
    """.dta and .csv files build the same respondents table as the .sav file.

    A CSV has no value labels, so the open items (home language, ethnic group) have no text or statement there.
    """
    reference = tmp_path / "from-sav"
    build_catalog(write_file(sample_survey, "wvs7.sav"), BuildOptions(out=reference))
    out = tmp_path / "other"
    build_catalog(write_file(sample_survey, name), BuildOptions(out=out))
    expected = pq.read_table(reference / "data" / "respondents.parquet")
    got = pq.read_table(out / "data" / "respondents.parquet")
    label_dependent = {"home_language", "ethnic_group", "demographic_statements", "n_valid_demographics"}
    columns = [c for c in expected.column_names if name.endswith(".dta") or c not in label_dependent]
    assert got.column_names == expected.column_names
    for column in columns:
        assert got.column(column).equals(expected.column(column)), column


def test_zip_input_builds(official_sav: Path, tmp_path: Path) -> None:
    """A .zip holding the .sav builds, and the manifest names the archive and member."""
    import zipfile

    archive = tmp_path / "wvs7.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.write(official_sav, "inner/wvs7.sav")
    result = build_catalog(archive, BuildOptions(out=tmp_path / "catalog"))
    assert result.manifest["source"]["file"] == "wvs7.zip"
    assert result.manifest["source"]["member"] == "inner/wvs7.sav"
    assert result.row_counts["respondents"] == 150


def test_demographic_statements(official_sav: Path, tmp_path: Path) -> None:
    """Every respondent has country and continent statements, and one statement per valid answer with a label.

    A valid code of a country or open item that the file leaves unlabelled counts as an answer without a statement.
    """
    build_catalog(official_sav, BuildOptions(out=tmp_path / "catalog"))
    table = pq.read_table(tmp_path / "catalog" / "data" / "respondents.parquet")
    frame = table.to_pandas()
    unlabelled = pd.Series(0, index=frame.index)
    for item in load_codebook().demographics:
        if item.kind in ("country", "open") and item.variable not in (None, "B_COUNTRY"):
            unlabelled += (frame[f"{item.id}_code"].fillna(-1).ge(0) & frame[item.id].isna()).astype(int)
    statements = table.column("demographic_statements").to_pylist()
    counts = table.column("n_valid_demographics").to_numpy()
    countries = table.column("country").to_pylist()
    for listed, count, country, without_label in zip(statements, counts, countries, unlabelled, strict=True):
        assert listed[0] == f"I live in {country}."
        assert len(listed) == count - without_label
    assert np.all(counts >= 2)

"""The `indievaluecatalog build` command: default output folder, refusal of a non-catalog folder, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pytest

from indievaluecatalog.cli import main


def _run(args: list[str]) -> int:
    """Run the command line and return its exit code (0 when it returns normally)."""
    try:
        main(args)
    except SystemExit as stop:
        return int(stop.code or 0)
    return 0


def test_default_out_loads_by_name(
    official_sav: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --out the catalog lands in ./indievaluecatalog, which load_dataset finds by that name."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert _run(["build", str(official_sav)]) == 0
    manifest = json.loads((work / "indievaluecatalog" / "manifest.json").read_text())
    respondents = datasets.load_dataset("indievaluecatalog", "respondents", split="train")
    assert len(respondents) == manifest["row_counts"]["respondents"]


def test_rejects_package_folder(
    official_sav: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A ./indievaluecatalog that is not a catalog (a source folder) is named in the error and left untouched."""
    work = tmp_path / "repo"
    source = work / "indievaluecatalog"
    source.mkdir(parents=True)
    (source / "__init__.py").write_text("# package source\n")
    monkeypatch.chdir(work)
    assert _run(["build", str(official_sav)]) == 6
    error = capsys.readouterr().err
    assert "indievaluecatalog" in error
    assert "--out" in error
    assert [p.name for p in source.iterdir()] == ["__init__.py"]
    assert (source / "__init__.py").read_text() == "# package source\n"


def test_missing_file_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing input file exits with the input-file code and names the file."""
    assert _run(["build", str(tmp_path / "absent.sav"), "--out", str(tmp_path / "catalog")]) == 4
    assert "absent.sav" in capsys.readouterr().err


def test_builtin_sample_without_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With no RAW_FILE the build uses the built-in synthetic sample and marks the catalog synthetic."""
    out = tmp_path / "catalog"
    assert _run(["build", "--out", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["source"]["synthetic"]["builtin_sample"] is True
    assert "Synthetic data" in (out / "README.md").read_text()

"""Fixtures for loading: a small built catalog folder in the documented layout."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

CARD = """---
configs:
- config_name: respondents
  data_files:
  - split: train
    path: data/respondents.parquet
- config_name: splits
  data_files:
  - split: evaluation
    path: data/splits-evaluation.parquet
  - split: train
    path: data/splits-train.parquet
---

# Synthetic test catalog
"""


def write_catalog(folder: Path, *, marker: str) -> Path:
    """Write a catalog whose respondent ids start with ``marker``, so a test can tell catalogs apart."""
    (folder / "data").mkdir(parents=True)
    ids = [f"{marker}{index:04d}" for index in range(5)]
    pd.DataFrame({"respondent_id": ids, "n_valid_answers": [250, 240, 10, 253, 0]}).to_parquet(
        folder / "data" / "respondents.parquet", index=False
    )
    pd.DataFrame({"respondent_id": ids[:2], "split": ["evaluation"] * 2}).to_parquet(
        folder / "data" / "splits-evaluation.parquet", index=False
    )
    pd.DataFrame({"respondent_id": ids[2:], "split": ["train"] * 3}).to_parquet(
        folder / "data" / "splits-train.parquet", index=False
    )
    (folder / "README.md").write_text(CARD, encoding="utf-8")
    files = {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
    (folder / "manifest.json").write_text(json.dumps({"files": files}), encoding="utf-8")
    return folder


@pytest.fixture
def argument_catalog(tmp_path: Path) -> Path:
    """A catalog passed as source=."""
    return write_catalog(tmp_path / "from-argument", marker="A")


@pytest.fixture
def env_catalog(tmp_path: Path) -> Path:
    """A catalog named by the environment variable."""
    return write_catalog(tmp_path / "from-env", marker="E")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.delenv("INDIEVALUECATALOG_SOURCE", raising=False)
    return folder


@pytest.fixture
def cwd_catalog(workdir: Path) -> Path:
    """A catalog at ./indievaluecatalog of the working directory."""
    return write_catalog(workdir / "indievaluecatalog", marker="C")

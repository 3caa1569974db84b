"""Synthetic WVS-7 files and an isolated, offline ``datasets`` cache for the build tests."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from indievaluecatalog.sample import SyntheticSurvey, generate_sample
from indievaluecatalog.sample._write import write_survey

RESPONDENTS = 150


@pytest.fixture(autouse=True)
def offline_datasets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep ``datasets`` offline with its cache inside the test's folder, and progress bars off."""
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf-cache"))
    monkeypatch.setenv("INDIEVALUECATALOG_NO_PROGRESS", "1")


@pytest.fixture
def sample_survey() -> SyntheticSurvey:
    """A small synthetic official v6.0 survey in memory."""
    return generate_sample(respondents=RESPONDENTS, seed=5)


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[..., Path]:
    """Write a survey (optionally with an edited frame) to ``tmp_path/name``; the suffix sets the format."""

    def write(survey: SyntheticSurvey, name: str, frame: pd.DataFrame | None = None) -> Path:
        if frame is not None:
            survey = dataclasses.replace(survey, frame=frame)
        path = tmp_path / name
        write_survey(survey, path, path.suffix.lstrip("."))  # type: ignore[arg-type]
        return path

    return write


@pytest.fixture
def official_sav(sample_survey: SyntheticSurvey, write_file: Callable[..., Path]) -> Path:
    """An official v6.0 .sav file of the sample survey."""
    return write_file(sample_survey, "wvs7.sav")

"""Synthetic WVS-shaped files for the reader tests, written with pyreadstat from the package's generator."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indievaluecatalog.codebook import Codebook, load_codebook
from indievaluecatalog.sample import SyntheticSurvey, generate_sample
from indievaluecatalog.sample._write import write_survey

N = 120


def rename(
    survey: SyntheticSurvey, mapping: dict[str, str], frame: pd.DataFrame | None = None
) -> SyntheticSurvey:
    """Return ``survey`` with columns (and their labels) renamed; columns missing from ``mapping`` are dropped."""
    source = survey.frame if frame is None else frame
    kept = [name for name in source.columns if name in mapping]
    renamed = source[kept].rename(columns=mapping)
    return dataclasses.replace(
        survey,
        frame=renamed,
        variable_labels={mapping[k]: v for k, v in survey.variable_labels.items() if k in mapping},
        value_labels={mapping[k]: v for k, v in survey.value_labels.items() if k in mapping},
        user_missing={mapping[k]: v for k, v in survey.user_missing.items() if k in mapping},
    )


def alias_map(book: Codebook, scheme: str) -> dict[str, str]:
    """Return WVS-7 name -> time-series or joint name for every variable the codebook gives an alias."""
    mapping: dict[str, str] = {}
    for question in book.questions:
        alias = getattr(question.aliases, scheme)
        if alias:
            mapping[question.id] = alias
    for item in book.demographics:
        alias = getattr(item.aliases, scheme)
        if item.variable and alias:
            mapping[item.variable] = alias
    return mapping


class WvsFiles:
    """Writes synthetic WVS-7 files in each layout and format into a test's temporary folder."""

    n = N
    """Respondents per generated file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.book = load_codebook()

    @staticmethod
    def as_int(values: pd.Series) -> np.ndarray:
        """Return a float code column as int64 with -9999 for blanks."""
        return values.fillna(-9999).to_numpy().astype(np.int64)

    def survey(self, **options: object) -> SyntheticSurvey:
        return generate_sample(respondents=N, seed=11, **options)  # type: ignore[arg-type]

    def write(self, survey: SyntheticSurvey, name: str, encoding: str = "utf-8") -> Path:
        path = self.folder / name
        suffix = path.suffix.lstrip(".")
        write_survey(survey, path, suffix, encoding)  # type: ignore[arg-type]
        return path

    def official(self, name: str = "wvs7.sav", **options: object) -> Path:
        return self.write(self.survey(**options), name)

    def timeseries(self, name: str = "timeseries.sav", *, waves: tuple[int, ...] = (6, 7)) -> Path:
        """A time-series file: time-series names, S002VS wave, and rows of every wave in ``waves``."""
        survey = self.survey()
        mapping = alias_map(self.book, "timeseries")
        mapping.update({"B_COUNTRY": "S003", "D_INTERVIEW": "S006", "W_WEIGHT": "S017", "version": "version"})
        frames = []
        for wave in waves:
            part = survey.frame.copy()
            part["S002VS"] = wave
            part["D_INTERVIEW"] = part["D_INTERVIEW"] + wave * 10_000_000
            frames.append(part)
        frame = pd.concat(frames, ignore_index=True)
        mapping["S002VS"] = "S002VS"
        return self.write(rename(survey, mapping, frame), name)

    def joint(self, name: str = "joint.sav") -> Path:
        """A joint EVS/WVS file: joint names, WVS rows (wave 7) and EVS rows (wave 5)."""
        survey = self.survey()
        mapping = alias_map(self.book, "joint")
        mapping.update({"B_COUNTRY": "cntry", "D_INTERVIEW": "uniqid", "A_WAVE": "wave", "A_STUDY": "study"})
        frame = survey.frame.copy()
        frame.loc[frame.index[: N // 4], "A_WAVE"] = 5
        frame.loc[frame.index[: N // 4], "A_STUDY"] = 1
        return self.write(rename(survey, mapping, frame), name)

    def derivative(self, name: str = "derivative.csv", encoding: str = "utf-8") -> Path:
        """A derivative: no interview id, Q1-Q20 dropped, negative codes blank, the country as a name."""
        survey = self.survey()
        frame = survey.frame.drop(columns=["D_INTERVIEW", *[f"Q{i}" for i in range(1, 21)]])
        numeric = frame.select_dtypes("number").columns
        frame[numeric] = frame[numeric].astype("float64").mask(frame[numeric] < 0)
        names = {c.code: c.name for c in self.book.countries}
        frame["B_COUNTRY"] = [names[int(code)] for code in survey.frame["B_COUNTRY"]]
        mapping = {name: name for name in frame.columns}
        return self.write(rename(survey, mapping, frame), name, encoding)


@pytest.fixture
def wvs_files(tmp_path: Path) -> WvsFiles:
    """Factory of synthetic WVS files in the test's temporary folder."""
    return WvsFiles(tmp_path)


@pytest.fixture
def codebook() -> Codebook:
    """The codebook shipped with the package."""
    return load_codebook()

"""Detect which WVS release a file is (layout and data version) and map its names to WVS-7 names."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from indievaluecatalog.codebook import Codebook
from indievaluecatalog.errors import InputFileError

# Identifiers that the codebook's aliases do not cover, per layout. The time-series file numbers respondents in
# S006 (original respondent number); the joint EVS/WVS file in uniqid; the joint weight is gwght.
_EXTRA_ALIASES: dict[str, dict[str, str]] = {
    "timeseries": {"B_COUNTRY": "S003", "A_WAVE": "S002VS", "D_INTERVIEW": "S006", "W_WEIGHT": "S017"},
    "joint": {
        "B_COUNTRY": "cntry",
        "A_WAVE": "wave",
        "A_STUDY": "study",
        "D_INTERVIEW": "uniqid",
        "W_WEIGHT": "gwght",
    },
}

# DOI suffixes of the WVS-7 cross-national releases (World Values Survey Association, Madrid and Vienna).
WVS7_DOIS: dict[str, str] = {"10.14281/18241.20": "5.0", "10.14281/18241.24": "6.0"}

TECHNICAL_VARIABLES = ("B_COUNTRY", "D_INTERVIEW", "W_WEIGHT", "A_WAVE", "A_STUDY", "version", "doi")
COUNTRY_NAME_COLUMNS = ("country", "country_name", "cntry_name")
WAVE7 = 7
EVS_WAVE5 = 5


@dataclass(frozen=True)
class LayoutMatch:
    """The detected naming scheme of a file and the file column for each WVS-7 variable it has."""

    scheme: str
    """``official`` (WVS-7 names), ``timeseries`` or ``joint``."""
    columns: Mapping[str, str]
    """WVS-7 name -> file column, for every variable that the build uses and the file has."""
    country_name_column: str | None
    """File column holding country names when the file has no numeric country code column."""


def wanted_variables(book: Codebook) -> list[str]:
    """Return the WVS-7 names that the build reads: identifiers, value questions and demographic variables."""
    names = list(TECHNICAL_VARIABLES)
    names += [q.id for q in book.questions]
    names += [d.variable for d in book.demographics if d.variable and d.variable not in names]
    names.append("Q262")  # age in years: the age band is derived from it when X003R is absent
    return names


def detect_layout(book: Codebook, file_columns: Iterable[str], shown_as: str) -> LayoutMatch:
    """Detect the naming scheme of a file from its column names; raise InputFileError for a non-WVS-7 file."""
    by_folded = {name.casefold(): name for name in file_columns}
    if "s002vs" in by_folded and "s003" in by_folded:
        scheme = "timeseries"
    elif "cntry" in by_folded and ("wave" in by_folded or "study" in by_folded):
        scheme = "joint"
    elif "b_country" in by_folded or "q1" in by_folded:
        scheme = "official"
    elif "v2" in by_folded and "v4" in by_folded:
        raise InputFileError(
            f"{shown_as} uses V-numbered variables (V2 country, V4 ...), the naming of WVS waves 1-6, not wave 7.",
            hint="download the WVS wave 7 (2017-2022) cross-national file, or the time-series file, and build from it",
        )
    else:
        raise InputFileError(
            f"{shown_as} is not a WVS-7 file: it has no country variable (B_COUNTRY, S003 or cntry) and no Q1.",
            hint="pass the WVS-7 cross-national file, the WVS time-series file or the joint EVS/WVS 2017-2022 file",
        )
    columns: dict[str, str] = {}
    for name in wanted_variables(book):
        alias = _alias(book, name, scheme)
        for candidate in (alias, name):
            if candidate is not None and candidate.casefold() in by_folded:
                columns[name] = by_folded[candidate.casefold()]
                break
    country_name_column = None
    if "B_COUNTRY" not in columns:
        country_name_column = next((by_folded[n] for n in COUNTRY_NAME_COLUMNS if n in by_folded), None)
        if country_name_column is None:
            raise InputFileError(
                f"{shown_as} has no country column (B_COUNTRY, S003, cntry, or a column named 'country').",
                hint="add the ISO 3166-1 numeric country code as B_COUNTRY, or the country name as 'country'",
            )
    return LayoutMatch(scheme=scheme, columns=columns, country_name_column=country_name_column)


def _alias(book: Codebook, name: str, scheme: str) -> str | None:
    if scheme == "official":
        return name
    extra = _EXTRA_ALIASES[scheme].get(name)
    if extra is not None:
        return extra
    for question in book.questions:
        if question.id == name:
            return getattr(question.aliases, scheme)  # type: ignore[no-any-return]
    for item in book.demographics:
        if item.variable == name:
            return getattr(item.aliases, scheme)  # type: ignore[no-any-return]
    for variable in book.other_variables:
        if variable.name == name:
            return getattr(variable.aliases, scheme)  # type: ignore[no-any-return]
    return None


def select_wave7(frame: pd.DataFrame, scheme: str, shown_as: str) -> pd.DataFrame:
    """Keep wave-7 rows (and EVS wave-5 rows of the joint file); raise InputFileError when there are none."""
    if "A_WAVE" not in frame.columns:
        return frame
    waves = pd.to_numeric(frame["A_WAVE"], errors="coerce")
    accepted = [WAVE7]
    if scheme == "joint":
        accepted.append(EVS_WAVE5)
    keep = waves.isin(accepted).to_numpy()
    if not keep.any():
        found = sorted(int(w) for w in waves.dropna().unique())
        column = {"timeseries": "S002VS", "joint": "wave"}.get(scheme, "A_WAVE")
        raise InputFileError(
            f"{shown_as} has no wave-7 rows: {column} contains wave(s) {found} only.",
            hint="this build reads WVS wave 7 (2017-2022); pass a WVS-7 file or the time-series file with wave 7",
        )
    if keep.all():
        return frame
    return frame.loc[keep].reset_index(drop=True)


def detect_version(frame: pd.DataFrame) -> tuple[str | None, str, str | None]:
    """Return the WVS-7 data version, where it came from, and the DOI, from the ``version`` and ``doi`` columns."""
    doi_text = _first_text(frame, "doi")
    doi = None
    if doi_text:
        match = re.search(r"10\.14281/\d+\.\d+", doi_text)
        doi = match.group(0) if match else doi_text
        if doi in WVS7_DOIS:
            return WVS7_DOIS[doi], f"doi column ({doi})", doi
    version_text = _first_text(frame, "version")
    if version_text:
        match = re.search(r"(\d+)[-.](\d+)", version_text)
        if match:
            return f"{int(match.group(1))}.{int(match.group(2))}", f"version column ({version_text})", doi
        return None, f"version column not understood ({version_text})", doi
    return None, "the file has no version or doi column", doi


def _first_text(frame: pd.DataFrame, column: str) -> str | None:
    if column not in frame.columns:
        return None
    values = frame[column].dropna()
    values = values[values.astype(str).str.strip() != ""]
    return None if values.empty else str(values.iloc[0]).strip()

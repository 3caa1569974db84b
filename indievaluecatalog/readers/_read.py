"""Read a raw WVS file into a :class:`RawSurvey`: detect its layout and version, map names, check coverage."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from indievaluecatalog.codebook import Codebook, load_codebook
from indievaluecatalog.errors import InputFileError
from indievaluecatalog.readers._drift import compare_labels
from indievaluecatalog.readers._files import opened_data_file, read_columns, read_header
from indievaluecatalog.readers._layout import (
    TECHNICAL_VARIABLES,
    LayoutMatch,
    detect_layout,
    detect_version,
    select_wave7,
)
from indievaluecatalog.readers._records import CoverageGap, GapKind, Layout, RawSurvey

logger = logging.getLogger(__name__)

_TEXT_COLUMNS = ("version", "doi")
# Age bands of X003R by upper age: 16-24, 25-34, 35-44, 45-54, 55-64, 65 and over.
_AGE_BAND_EDGES = np.array([24, 34, 44, 54, 64])


def read_wvs_file(path: str | Path, codebook: Codebook | None = None) -> RawSurvey:
    """Read a WVS-7 ``.sav``, ``.dta``, ``.csv`` or ``.zip`` file into a :class:`RawSurvey`.

    Detects the layout (official, time-series, joint, derivative) and the WVS-7 data version, keeps wave-7 rows,
    renames variables to WVS-7 names, compares value labels with the codebook and lists coverage gaps.
    Raises InputFileError naming the file for a missing, empty, truncated, unreadable or non-WVS-7 file.
    Values are not validated here; see ``raw_response_schema``.
    """
    book = codebook or load_codebook()
    path = Path(path)
    with opened_data_file(path) as (data_path, member):
        shown_as = f"{path} (member {member})" if member else str(path)
        header = read_header(data_path, shown_as)
        match = detect_layout(book, header.columns, shown_as)
        if header.rows == 0:
            raise InputFileError(
                f"Data file {shown_as} has no rows.", hint="export the file again with its rows"
            )
        file_columns = list(dict.fromkeys([*match.columns.values(), *_optional(match.country_name_column)]))
        data = read_columns(header, file_columns, shown_as)
    warnings = list(data.warnings)
    frame = data.frame
    rows_in_file = len(frame)
    if rows_in_file == 0:
        raise InputFileError(f"Data file {shown_as} has no rows.", hint="export the file again with its rows")
    renamed = dict(match.columns)
    frame = frame.rename(columns={file: wvs for wvs, file in renamed.items()})
    frame = select_wave7(frame, match.scheme, shown_as)
    wvs_version, version_evidence, doi = detect_version(frame)
    responses, coverage, conversion_warnings = _numeric_responses(book, frame, match, shown_as)
    warnings += conversion_warnings
    labels = {wvs: data.value_labels[file] for wvs, file in renamed.items() if file in data.value_labels}
    drift = compare_labels(book, labels, renamed)
    has_interview_id = "D_INTERVIEW" in responses.columns
    layout = _layout(match, coverage, has_interview_id, responses)
    if match.scheme != "official" and layout == "derivative":
        layout = match.scheme  # type: ignore[assignment]
    logger.info(
        "Read %s: %s format, %s layout, WVS-7 version %s (%s), %d of %d rows are wave 7, encoding %s",
        shown_as,
        header.file_format,
        layout,
        wvs_version or "unknown",
        version_evidence,
        len(responses),
        rows_in_file,
        data.encoding,
    )
    return RawSurvey(
        path=path,
        member=member,
        file_format=header.file_format,
        layout=layout,
        wvs_version=wvs_version,
        version_evidence=version_evidence,
        encoding=data.encoding,
        responses=responses,
        renamed=renamed,
        value_labels=labels,
        label_drift=drift,
        coverage=tuple(coverage),
        has_interview_id=has_interview_id,
        rows_in_file=rows_in_file,
        warnings=tuple(warnings),
        doi=doi,
        file_label=header.file_label,
        notes=header.notes,
    )


def _optional(name: str | None) -> list[str]:
    return [name] if name is not None else []


def _layout(match: LayoutMatch, coverage: list[CoverageGap], has_id: bool, responses: pd.DataFrame) -> Layout:
    if match.scheme == "timeseries":
        return "timeseries"
    if match.scheme == "joint":
        return "joint"
    if coverage or not has_id or match.country_name_column is not None:
        return "derivative"
    return "official"


def _numeric_responses(
    book: Codebook, frame: pd.DataFrame, match: LayoutMatch, shown_as: str
) -> tuple[pd.DataFrame, list[CoverageGap], list[str]]:
    """Turn every variable into float64 codes and list absent, unusable and blank variables."""
    n = len(frame)
    columns: dict[str, np.ndarray] = {}
    warnings: list[str] = []
    coverage: list[CoverageGap] = []
    unusable: dict[str, int] = {}
    names_given = "B_COUNTRY" in frame.columns and not pd.api.types.is_numeric_dtype(frame["B_COUNTRY"])
    if match.country_name_column is not None or names_given:
        source = match.country_name_column or "B_COUNTRY"
        columns["B_COUNTRY"] = _country_codes(book, frame[source], shown_as, source)
        message = (
            f"{shown_as}: the country is given by name in column {source}; mapped names to ISO numeric codes."
        )
        logger.warning(message)
        warnings.append(message)
    for name in frame.columns:
        if name in _TEXT_COLUMNS or name in columns or name == match.country_name_column:
            continue
        values, bad = _to_codes(book, name, frame[name])
        if bad:
            unusable[name] = bad
        columns[name] = values
    if "X003R" not in columns and "Q262" in columns:
        columns["X003R"] = _age_bands(columns["Q262"])
        message = f"{shown_as}: age band X003R is absent; derived it from age Q262."
        logger.warning(message)
        warnings.append(message)
    # copy=False keeps each column where the reader put it (one block per column) instead of copying all of them
    # into one new block. On a full-size file that copy of ~220 MB took about 0.5 s (2-core machine), mostly in
    # page faults.
    responses = pd.DataFrame(columns, index=pd.RangeIndex(n), copy=False)
    coverage = _coverage(book, responses, match, unusable)
    if "D_INTERVIEW" not in responses.columns:
        message = (
            f"{shown_as}: no interview id column (D_INTERVIEW); respondent ids come from row order, so they change "
            "when rows are added, removed or reordered."
        )
        logger.warning(message)
        warnings.append(message)
    if coverage:
        logger.warning(
            "%s: %d questions, items or identifiers are absent, unusable or partly blank; see the coverage report",
            shown_as,
            len(coverage),
        )
    return responses, coverage, warnings


def _to_codes(book: Codebook, name: str, series: pd.Series) -> tuple[np.ndarray, int]:
    """Return float64 codes of a column and the number of non-empty cells that are not numbers."""
    if pd.api.types.is_numeric_dtype(series):
        return series.to_numpy(dtype=np.float64, na_value=np.nan), 0
    text = series.astype("string").str.strip()
    numbers = pd.to_numeric(text, errors="coerce")
    labels = _label_lookup(book, name)
    if labels:
        from_labels = text.str.casefold().map(labels)
        numbers = numbers.fillna(from_labels)
    values = numbers.to_numpy(dtype=np.float64, na_value=np.nan)
    present = (text.notna() & (text != "")).to_numpy()
    bad = int((present & np.isnan(values)).sum())
    return values, bad


def _label_lookup(book: Codebook, name: str) -> dict[str, float]:
    for question in book.questions:
        if question.id == name:
            mapping = {**question.codes, **question.outside_codes, **question.missing_codes}
            return {label.casefold(): float(code) for code, label in mapping.items()}
    for item in book.demographics:
        if item.variable == name:
            mapping = {**item.codes, **item.missing_codes}
            return {label.casefold(): float(code) for code, label in mapping.items()}
    return {}


def _country_codes(book: Codebook, names: pd.Series, shown_as: str, column: str) -> np.ndarray:
    lookup: dict[str, float] = {}
    for country in book.countries:
        lookup[country.name.casefold()] = float(country.code)
        lookup[country.alpha3.casefold()] = float(country.code)
        lookup[str(country.code)] = float(country.code)
    text = names.astype("string").str.strip().str.casefold()
    codes = text.map(lookup)
    unknown = sorted(set(names[codes.isna() & names.notna()].astype(str)))
    if unknown:
        shown = ", ".join(unknown[:10]) + (" ..." if len(unknown) > 10 else "")
        raise InputFileError(
            f"{shown_as}: column {column} has {len(unknown)} country names the codebook does not know: {shown}.",
            hint="use the English country names or ISO 3166-1 alpha-3 codes listed in codebooks/wvs7.yaml",
        )
    return codes.to_numpy(dtype=np.float64, na_value=np.nan)


def _age_bands(age: np.ndarray) -> np.ndarray:
    bands = (np.searchsorted(_AGE_BAND_EDGES, age, side="left") + 1).astype(np.float64)
    bands[age < 0] = age[age < 0]
    bands[(age >= 0) & (age < 16)] = -5.0
    bands[np.isnan(age)] = np.nan
    return bands


def _coverage(
    book: Codebook, responses: pd.DataFrame, match: LayoutMatch, unusable: Mapping[str, int]
) -> list[CoverageGap]:
    n = len(responses)
    gaps: list[CoverageGap] = []
    entries: list[tuple[GapKind, str, str]] = [("value_question", q.id, q.id) for q in book.questions]
    entries += [("demographic", d.id, d.variable) for d in book.demographics if d.variable]
    entries += [("identifier", name, name) for name in ("D_INTERVIEW", "W_WEIGHT")]
    for kind, item, variable in entries:
        file_variable = match.columns.get(variable)
        if variable == "B_COUNTRY" and match.country_name_column:
            file_variable = match.country_name_column
        if variable not in responses.columns:
            gaps.append(CoverageGap(item, kind, variable, None, "not_in_file", n))
            continue
        blank = int(np.isnan(responses[variable].to_numpy()).sum())
        if variable in unusable:
            detail = "cells that are neither a number nor a known value label"
            gaps.append(
                CoverageGap(item, kind, variable, file_variable, "unusable", unusable[variable], detail)
            )
        elif blank == n:
            gaps.append(CoverageGap(item, kind, variable, file_variable, "all_blank", n))
        elif blank:
            gaps.append(CoverageGap(item, kind, variable, file_variable, "some_blank", blank))
    return gaps


__all__ = ["TECHNICAL_VARIABLES", "read_wvs_file"]

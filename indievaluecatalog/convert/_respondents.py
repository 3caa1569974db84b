"""Raw responses to the ``respondents`` table: one row per respondent, nobody dropped.

Codes map to options through one numpy lookup table per question (index = code + 5), so the work per question
is a few array operations over all respondents, never a Python loop over rows.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from indievaluecatalog._progress import progress
from indievaluecatalog.codebook import Codebook, DemographicItem, ValueQuestion
from indievaluecatalog.readers import RawSurvey

logger = logging.getLogger(__name__)

# Missing reasons in the order of their dictionary index; -1 to -5 come from the codebook's missing_reasons.
OUTSIDE_OPTIONS = "outside_options"
BLANK = "blank"
NOT_IN_FILE = "not_in_file"
_NO_OPTION = -1
_OFFSET = 5  # lookup tables start at code -5


@dataclass(frozen=True)
class RespondentsResult:
    """The respondents table and the counts that the build logs and records."""

    table: pa.Table
    without_valid_answers: int
    """Respondents with no valid answer to any value question (kept in the table)."""


def missing_reasons(book: Codebook) -> list[str]:
    """Return every value of the ``<Q>_missing`` columns, in dictionary order."""
    return [reason.reason for reason in book.missing_reasons] + [OUTSIDE_OPTIONS, BLANK, NOT_IN_FILE]


def respondent_ids(survey: RawSurvey) -> np.ndarray:
    """Return ``R`` + 16 hex digits of SHA-256 of ``wvs7:<B_COUNTRY>:<D_INTERVIEW>`` (or ``row<n>``) per row."""
    countries = survey.responses["B_COUNTRY"].to_numpy().astype(np.int64)
    if survey.has_interview_id:
        interviews = [str(v) for v in survey.responses["D_INTERVIEW"].to_numpy().astype(np.int64)]
    else:
        interviews = [f"row{n}" for n in range(1, len(countries) + 1)]
    ids = [
        "R" + hashlib.sha256(f"wvs7:{country}:{interview}".encode()).hexdigest()[:16]
        for country, interview in zip(countries.tolist(), interviews, strict=True)
    ]
    return np.array(ids, dtype=object)


def build_respondents(book: Codebook, survey: RawSurvey) -> RespondentsResult:
    """Build the respondents table of the catalog from validated raw responses."""
    frame = survey.responses
    n = len(frame)
    columns: dict[str, pa.Array] = {"respondent_id": pa.array(respondent_ids(survey), type=pa.string())}
    country_codes = frame["B_COUNTRY"].to_numpy().astype(np.int64)
    columns["country_code"] = pa.array(country_codes.astype(np.int16), type=pa.int16())
    by_code = {country.code: country for country in book.countries}
    unique_codes, inverse = np.unique(country_codes, return_inverse=True)
    for column, attribute in (("country", "name"), ("country_alpha3", "alpha3"), ("continent", "continent")):
        values = np.array([getattr(by_code[int(code)], attribute) for code in unique_codes], dtype=object)
        columns[column] = pa.array(values[inverse], type=pa.string())
    if "W_WEIGHT" in frame.columns:
        weights = frame["W_WEIGHT"].to_numpy(dtype=np.float64)
        weights = np.where(np.isnan(weights), 1.0, weights)
    else:
        weights = np.ones(n)
    columns["weight"] = pa.array(weights, type=pa.float64())

    pool = _StatementPool()
    statement_indices: list[np.ndarray] = []
    valid_answers_by_item: list[np.ndarray] = []
    for item in book.demographics:
        indices = _demographic(item, book, survey, columns, pool, country_codes)
        statement_indices.append(indices)
        valid_answers_by_item.append(_valid_demographic(item, indices, columns))
    matrix = np.stack(statement_indices, axis=1) if statement_indices else np.full((n, 0), -1)
    with_statement = matrix >= 0
    statement_counts = with_statement.sum(axis=1)
    offsets = np.concatenate([[0], np.cumsum(statement_counts)]).astype(np.int32)
    values = pool.array().take(pa.array(matrix[with_statement], type=pa.int32()))
    columns["demographic_statements"] = pa.ListArray.from_arrays(pa.array(offsets), values)
    valid_counts = (
        np.stack(valid_answers_by_item, axis=1).sum(axis=1) if valid_answers_by_item else np.zeros(n)
    )
    columns["n_valid_demographics"] = pa.array(valid_counts.astype(np.int16), type=pa.int16())

    reasons = missing_reasons(book)
    reason_dictionary = pa.array(reasons, type=pa.string())
    valid_answers = np.zeros(n, dtype=np.int16)
    for question in progress(book.questions, desc="value questions", total=len(book.questions)):
        polar, refined, reason = _question_columns(book, question, frame, reasons)
        answered = polar >= 0
        valid_answers += answered
        columns[f"{question.id}_polar"] = pa.array(polar, mask=~answered, type=pa.int8())
        columns[f"{question.id}_refined"] = pa.array(refined, mask=refined < 0, type=pa.int8())
        indices = pa.array(reason, mask=reason < 0, type=pa.int8())
        columns[f"{question.id}_missing"] = pa.DictionaryArray.from_arrays(indices, reason_dictionary).cast(
            pa.string()
        )
    columns["n_valid_answers"] = pa.array(valid_answers, type=pa.int16())
    without = int((valid_answers == 0).sum())
    logger.info("Built the respondents table: %d rows, %d columns", n, len(columns))
    return RespondentsResult(table=pa.table(columns), without_valid_answers=without)


def _question_columns(
    book: Codebook, question: ValueQuestion, frame: pd.DataFrame, reasons: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return polar and refined option indices (-1 when missing) and missing-reason indices (-1 when answered)."""
    n = len(frame)
    if question.id not in frame.columns:
        missing = np.full(n, reasons.index(NOT_IN_FILE), dtype=np.int8)
        none = np.full(n, _NO_OPTION, dtype=np.int8)
        return none, none.copy(), missing
    raw = frame[question.id].to_numpy(dtype=np.float64)
    blank = np.isnan(raw)
    codes = np.where(blank, 0, raw).astype(np.int64) + _OFFSET
    size = max([*question.codes, *question.outside_codes, 0]) + _OFFSET + 1
    # Validation has rejected codes outside the tables; clipping only guards the lookup.
    codes = np.clip(codes, 0, size - 1)
    polar_table = _option_table(question, "polar", size)
    refined_table = _option_table(question, "refined", size)
    reason_table = np.full(size, _NO_OPTION, dtype=np.int8)
    for missing_reason in book.missing_reasons:
        reason_table[missing_reason.code + _OFFSET] = reasons.index(missing_reason.reason)
    for code in question.outside_codes:
        reason_table[code + _OFFSET] = reasons.index(OUTSIDE_OPTIONS)
    polar = np.where(blank, _NO_OPTION, polar_table[codes]).astype(np.int8)
    refined = np.where(blank, _NO_OPTION, refined_table[codes]).astype(np.int8)
    reason = np.where(blank, reasons.index(BLANK), reason_table[codes]).astype(np.int8)
    return polar, refined, reason


def _option_table(question: ValueQuestion, granularity: str, size: int) -> np.ndarray:
    table = np.full(size, _NO_OPTION, dtype=np.int8)
    for option in question.options(granularity):  # type: ignore[arg-type]
        for code in option.codes:
            table[code + _OFFSET] = option.index
    return table


class _StatementPool:
    """Distinct demographic statements, so the list column is built with one vectorized take."""

    def __init__(self) -> None:
        self._index: dict[str, int] = {}

    def add(self, text: str | None) -> int:
        if text is None:
            return -1
        return self._index.setdefault(text, len(self._index))

    def array(self) -> pa.Array:
        return pa.array(list(self._index), type=pa.string())


def _demographic(
    item: DemographicItem,
    book: Codebook,
    survey: RawSurvey,
    columns: dict[str, pa.Array],
    pool: _StatementPool,
    country_codes: np.ndarray,
) -> np.ndarray:
    """Add the ``<item>`` and ``<item>_code`` columns of one item; return its statement index per respondent."""
    frame = survey.responses
    n = len(frame)
    if item.variable is None:
        # Continent: derived from the country, always known.
        texts = columns["continent"].to_numpy(zero_copy_only=False)
        unique, inverse = np.unique(texts.astype(str), return_inverse=True)
        indices = np.array([pool.add(item.render(0, label=str(label))) for label in unique], dtype=np.int64)
        return indices[inverse]
    if item.variable == "B_COUNTRY":
        unique, inverse = np.unique(country_codes, return_inverse=True)
        names = {c.code: c.name for c in book.countries}
        indices = np.array(
            [pool.add(item.render(int(c), label=names.get(int(c)))) for c in unique], dtype=np.int64
        )
        return indices[inverse]
    if item.variable not in frame.columns:
        columns[item.id] = pa.nulls(n, type=pa.string())
        columns[f"{item.id}_code"] = pa.nulls(n, type=pa.int32())
        return np.full(n, -1, dtype=np.int64)
    raw = frame[item.variable].to_numpy(dtype=np.float64)
    blank = np.isnan(raw)
    codes = np.where(blank, -9999, raw).astype(np.int64)
    unique, inverse = np.unique(codes, return_inverse=True)
    labels: list[str | None] = []
    statements: list[int] = []
    for code in unique.tolist():
        label, statement = _describe(item, book, survey.value_labels.get(item.variable, {}), code)
        labels.append(label)
        statements.append(pool.add(statement))
    columns[item.id] = _take_labels(labels, inverse)
    columns[f"{item.id}_code"] = pa.array(codes.astype(np.int32), mask=blank, type=pa.int32())
    return np.array(statements, dtype=np.int64)[inverse]


def _valid_demographic(
    item: DemographicItem, statements: np.ndarray, columns: dict[str, pa.Array]
) -> np.ndarray:
    """Return which respondents gave a valid answer to ``item``.

    An answer with a statement is valid. So is a non-negative code of a country or open item whose label the
    file lacks (a country-specific language or ethnic group code, say): it is an answer, though no statement
    can be written for it.
    """
    valid = statements >= 0
    code_column = columns.get(f"{item.id}_code")
    if item.kind in ("country", "open") and code_column is not None:
        codes = pc.fill_null(code_column, -1).to_numpy(zero_copy_only=False)
        valid |= codes >= 0
    return valid


def _take_labels(labels: list[str | None], inverse: np.ndarray) -> pa.Array:
    """Return ``labels[i]`` for each index as a string array, null where the label is None.

    One Arrow take from the distinct labels instead of converting ~100,000 Python strings per item. A validity
    bitmap is kept only when there are nulls, as ``pa.array`` does, so the table's ``nbytes`` is unchanged.
    """
    values = pa.array(labels, type=pa.string()).take(pa.array(inverse, type=pa.int64()))
    if values.null_count:
        return values
    return pa.Array.from_buffers(
        pa.string(), len(values), [None, *values.buffers()[1:]], offset=values.offset
    )


def _describe(
    item: DemographicItem, book: Codebook, file_labels: Mapping[int, str], code: int
) -> tuple[str | None, str | None]:
    """Return the ``<item>`` text and the statement of one code; (None, None) when missing or unknown."""
    if code < 0:
        return None, None
    if item.kind == "coded":
        label = item.codes.get(code)
        return label, item.render(code) if label is not None else None
    if item.kind == "count":
        if item.minimum is not None and code < item.minimum:
            return None, None
        # The top value reads "... or more" (top-coded), so larger counts render as the top value.
        shown = min(code, item.maximum) if item.maximum is not None else code
        return str(code), item.render(shown)
    if item.kind == "country":
        country = book.country(code)
        name = country.name if country is not None else file_labels.get(code)
        return name, item.render(code, label=name) if name is not None else None
    label = file_labels.get(code)
    return label, item.render(code, label=label) if label is not None else None

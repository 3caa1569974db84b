"""pandera schemas of the catalog tables, with allowed values generated from the codebook.

The tables are validated as pandas frames with pyarrow-backed columns (``table.to_pandas(types_mapper=
pd.ArrowDtype)``), so the schema checks the exact values and types that go into the parquet files.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pyarrow

from indievaluecatalog._checks import columns_in_range, columns_isin, option_columns_consistent
from indievaluecatalog.codebook import GRANULARITIES, Codebook
from indievaluecatalog.convert._respondents import missing_reasons

RESPONDENT_ID_PATTERN = r"^R[0-9a-f]{16}$"
STRING = pd.ArrowDtype(pyarrow.string())
INT8 = pd.ArrowDtype(pyarrow.int8())
INT16 = pd.ArrowDtype(pyarrow.int16())
INT32 = pd.ArrowDtype(pyarrow.int32())
DOUBLE = pd.ArrowDtype(pyarrow.float64())


def respondents_schema(book: Codebook) -> pa.DataFrameSchema:
    """Return the schema of the ``respondents`` table.

    The value rules of the ~800 generated columns (options, missing reasons, demographics) are two wide checks,
    one per kind of rule (see indievaluecatalog/_checks.py). Each column entry keeps its dtype and nullability.
    A third wide check requires that each question's polar and refined options are both set or both null, with
    a missing reason exactly when they are null.
    """
    reasons = missing_reasons(book)
    spec: dict[str, pa.Column] = {
        "respondent_id": pa.Column(STRING, pa.Check.str_matches(RESPONDENT_ID_PATTERN), unique=True),
        "country_code": pa.Column(INT16, pa.Check.isin(sorted(c.code for c in book.countries))),
        "country": pa.Column(STRING, pa.Check.isin(sorted({c.name for c in book.countries}))),
        "country_alpha3": pa.Column(STRING, pa.Check.isin(sorted({c.alpha3 for c in book.countries}))),
        "continent": pa.Column(STRING, pa.Check.isin(sorted({c.continent for c in book.countries}))),
        "weight": pa.Column(DOUBLE, pa.Check.ge(0)),
    }
    allowed: dict[str, list[str]] = {}
    bounds: dict[str, tuple[float | None, float | None]] = {}
    for item in book.demographics:
        if item.variable in (None, "B_COUNTRY"):
            continue
        if item.kind == "coded":
            allowed[item.id] = sorted(set(item.codes.values()))
        spec[item.id] = pa.Column(STRING, nullable=True)
        bounds[f"{item.id}_code"] = (-5, None)
        spec[f"{item.id}_code"] = pa.Column(INT32, nullable=True)
    bounds["n_valid_demographics"] = (0, len(book.demographics))
    spec["n_valid_demographics"] = pa.Column(INT16)
    for question in book.questions:
        for granularity in GRANULARITIES:
            count = len(question.options(granularity))
            bounds[f"{question.id}_{granularity}"] = (0, count - 1)
            spec[f"{question.id}_{granularity}"] = pa.Column(INT8, nullable=True)
        allowed[f"{question.id}_missing"] = reasons
        spec[f"{question.id}_missing"] = pa.Column(STRING, nullable=True)
    bounds["n_valid_answers"] = (0, len(book.questions))
    spec["n_valid_answers"] = pa.Column(INT16)
    option_columns = {q.id: [f"{q.id}_polar", f"{q.id}_refined", f"{q.id}_missing"] for q in book.questions}
    return pa.DataFrameSchema(
        spec,
        checks=[columns_isin(allowed), columns_in_range(bounds), option_columns_consistent(option_columns)],
        name="respondents",
        strict=False,
        description="Catalog table `respondents`: one row per respondent; demographic_statements is not checked.",
    )


def statements_schema(book: Codebook) -> pa.DataFrameSchema:
    """Return the schema of the ``statements`` table."""
    return pa.DataFrameSchema(
        {
            "statement_id": pa.Column(
                STRING, pa.Check.str_matches(r"^Q\d+:(polar|refined):\d+$"), unique=True
            ),
            "question_id": pa.Column(STRING, pa.Check.isin([q.id for q in book.questions])),
            "category": pa.Column(STRING, pa.Check.isin(list(book.categories))),
            "granularity": pa.Column(STRING, pa.Check.isin(list(GRANULARITIES))),
            "option": pa.Column(INT8, pa.Check.in_range(0, 9)),
            "text": pa.Column(STRING, pa.Check.str_length(min_value=1)),
        },
        name="statements",
        strict=False,
        description="Catalog table `statements`: one row per option per granularity; codes is not checked.",
    )

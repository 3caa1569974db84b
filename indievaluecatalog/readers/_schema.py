"""The pandera schema of the raw-response stage, with allowed codes generated from the codebook."""

from __future__ import annotations

from collections.abc import Iterable

import pandera.pandas as pa

from indievaluecatalog._checks import columns_in_range, columns_isin
from indievaluecatalog.codebook import Codebook

MISSING_CODES = (-1, -2, -3, -4, -5)


def raw_response_schema(
    book: Codebook, columns: Iterable[str], *, has_interview_id: bool
) -> pa.DataFrameSchema:
    """Return the schema that a :class:`RawSurvey` frame must satisfy, for the variables it has.

    Value questions and closed demographic items accept their codebook codes, the codes no option covers and the
    WVS missing codes -1 to -5; counts, country codes and open lists accept
    numbers of -5 or more. The pair
    (B_COUNTRY, D_INTERVIEW) must be unique.
    """
    present = set(columns)
    country_codes = sorted(country.code for country in book.countries)
    spec: dict[str, pa.Column] = {
        "B_COUNTRY": pa.Column(float, pa.Check.isin(country_codes), nullable=False, title="country code"),
    }
    allowed: dict[str, list[int]] = {}
    bounds: dict[str, tuple[float | None, float | None]] = {}
    for question in book.questions:
        allowed[question.id] = sorted({*question.codes, *question.outside_codes, *MISSING_CODES})
        spec[question.id] = pa.Column(float, nullable=True, required=False)
    for item in book.demographics:
        if not item.variable or item.variable == "B_COUNTRY":
            continue
        if item.kind == "coded":
            allowed[item.variable] = sorted({*item.codes, *MISSING_CODES})
        else:
            bounds[item.variable] = (min(MISSING_CODES), None)
        spec[item.variable] = pa.Column(float, nullable=True, required=False)
    if "D_INTERVIEW" in present:
        spec["D_INTERVIEW"] = pa.Column(float, nullable=False)
    if "W_WEIGHT" in present:
        spec["W_WEIGHT"] = pa.Column(float, pa.Check.ge(0), nullable=True)
    # One wide check per kind of rule instead of one check per column (see indievaluecatalog/_checks.py).
    checks = [
        columns_isin({name: codes for name, codes in allowed.items() if name in present}),
        columns_in_range({name: limits for name, limits in bounds.items() if name in present}),
    ]
    return pa.DataFrameSchema(
        spec,
        checks=checks,
        name="raw_responses",
        unique=["B_COUNTRY", "D_INTERVIEW"] if has_interview_id else None,
        strict=False,
        description="Raw WVS-7 responses after reading: one float64 column per WVS-7 variable.",
    )

"""Explicit ``datasets`` features of each catalog config, so loading never has to infer types."""

from __future__ import annotations

from indievaluecatalog._features import Feature, Features, List, Value
from indievaluecatalog.codebook import Codebook


def respondent_features(book: Codebook) -> Features:
    """Return the features of the ``respondents`` config, in column order."""
    spec: dict[str, Feature] = {
        "respondent_id": Value("string"),
        "country_code": Value("int16"),
        "country": Value("string"),
        "country_alpha3": Value("string"),
        "continent": Value("string"),
        "weight": Value("float64"),
    }
    for item in book.demographics:
        if item.variable in (None, "B_COUNTRY"):
            continue
        spec[item.id] = Value("string")
        spec[f"{item.id}_code"] = Value("int32")
    spec["demographic_statements"] = List(Value("string"))
    spec["n_valid_demographics"] = Value("int16")
    for question in book.questions:
        spec[f"{question.id}_polar"] = Value("int8")
        spec[f"{question.id}_refined"] = Value("int8")
        spec[f"{question.id}_missing"] = Value("string")
    spec["n_valid_answers"] = Value("int16")
    return Features.of(spec)


def statement_features() -> Features:
    """Return the features of the ``statements`` config."""
    return Features.of(
        {
            "statement_id": Value("string"),
            "question_id": Value("string"),
            "category": Value("string"),
            "granularity": Value("string"),
            "option": Value("int8"),
            "codes": List(Value("int16")),
            "text": Value("string"),
        }
    )

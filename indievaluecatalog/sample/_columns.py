"""Columns of the official WVS-7 cross-national file: names, order, labels and value labels per data version.

Everything here comes from the codebook, so the synthetic file follows it. The v6.0 file has about 613 columns:
the technical variables, Q1-Q290 with their recodes, derived indices and, at the end, country-specific items.
Country-specific items are filler here (a few per country), sized so that the v6.0 layout has 613 columns.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from indievaluecatalog.codebook import Codebook, Country

ColumnSource = Literal["question", "excluded", "demographic", "country", "other", "filler"]

V6_ONLY_TYPE = "(v6 only; not in v5 codebook json)"
"""Codebook ``type`` of the variables that the v6.0 file added over v5.0."""

V6_COLUMN_COUNT = 613
VERSION_TEXT = {"6.0": "6-0-0", "5.0": "5-0-0"}
# NOTE: the v5.0 DOI is the one the v5.0 codebook prints. The v6.0 DOI assumes the same series continues
# and is not checked against the v6.0 release.
DOI = {"6.0": "doi.org/10.14281/18241.24", "5.0": "doi.org/10.14281/18241.20"}

# Value labels that the v5.0 file words differently from the codebook (which follows v6.0), so that version
# detection and the label drift report have differences to find.
V5_LABEL_CHANGES: Mapping[str, Mapping[int, str]] = {
    "Q1": {-5: "Missing; Unknown"},
    "Q57": {-4: "Not asked in survey"},
    "Q260": {-5: "Missing; Unknown"},
    "Q275": {0: "Less than primary education (ISCED 0)"},
}

# Position of each demographic recode: right after the variable it recodes.
_PLACED_AFTER = {"X003R": 262, "X003R2": 262, "X002_02B": 266, "V002A_01": 267, "V001A_01": 268}
_QUESTION_NAME = re.compile(r"^Q(\d+)(.*)$")

# Accented place names for the synthetic region labels, so every file carries non-ASCII value labels that
# latin-1 can encode.
REGION_NAMES = ("Región Central", "Île du Nord", "Südbezirk", "Nordøst", "Área Metropolitana", "Côte Est")


@dataclass(frozen=True)
class ColumnSpec:
    """One column of the synthetic file."""

    name: str
    label: str
    source: ColumnSource
    value_labels: Mapping[int, str]
    country: int | None = None
    """For a country-specific filler item, the ISO numeric code of its country."""


def official_columns(codebook: Codebook, version: str) -> list[ColumnSpec]:
    """Return the columns of the official cross-national file of data ``version`` in file order."""
    head: list[ColumnSpec] = []
    numbered: list[tuple[tuple[int, int, str], ColumnSpec]] = []
    tail: list[ColumnSpec] = []

    country_labels = {c.code: c.name for c in codebook.countries}
    in_tail = False
    for variable in codebook.other_variables:
        if version == "5.0" and variable.type == V6_ONLY_TYPE:
            continue
        spec = ColumnSpec(variable.name, variable.label, "other", dict(variable.value_labels))
        in_tail = in_tail or variable.name == "Y001"
        key = _numbered_key(variable.name)
        if key is not None:
            numbered.append((key, spec))
        elif in_tail:
            tail.append(spec)
        else:
            head.append(spec)
            if variable.name == "A_YEAR":
                head.append(
                    ColumnSpec("B_COUNTRY", "ISO 3166-1 numeric country code", "country", country_labels)
                )

    for question in codebook.questions:
        labels = {**question.codes, **question.outside_codes, **question.missing_codes}
        numbered.append((_key_of(question.id), ColumnSpec(question.id, question.label, "question", labels)))
    for excluded in codebook.excluded:
        labels = {**excluded.codes, **excluded.missing_codes}
        numbered.append((_key_of(excluded.id), ColumnSpec(excluded.id, excluded.label, "excluded", labels)))
    for item in codebook.demographics:
        if item.variable is None or item.variable == "B_COUNTRY":
            continue
        codes: Mapping[int, str] = country_labels if item.kind == "country" else item.codes
        labels = {**codes, **item.missing_codes}
        numbered.append(
            (_key_of(item.variable), ColumnSpec(item.variable, item.label, "demographic", labels))
        )

    numbered.sort(key=lambda pair: pair[0])
    columns = head + [spec for _, spec in numbered] + tail
    columns += _filler_columns(codebook, V6_COLUMN_COUNT - _count_for(codebook, "6.0"))
    if version == "5.0":
        columns = [_with_v5_labels(spec) for spec in columns]
    return columns


def _count_for(codebook: Codebook, version: str) -> int:
    others = [v for v in codebook.other_variables if version != "5.0" or v.type != V6_ONLY_TYPE]
    demographic = [d for d in codebook.demographics if d.variable not in (None, "B_COUNTRY")]
    return len(others) + 1 + len(codebook.questions) + len(codebook.excluded) + len(demographic)


def _numbered_key(name: str) -> tuple[int, int, str] | None:
    if name in _PLACED_AFTER:
        return (_PLACED_AFTER[name], 1, name)
    match = _QUESTION_NAME.match(name)
    if match is None:
        return None
    return (int(match.group(1)), 0, match.group(2))


def _key_of(name: str) -> tuple[int, int, str]:
    key = _numbered_key(name)
    if key is None:
        raise ValueError(f"{name} is not a numbered WVS-7 variable")
    return key


def _filler_columns(codebook: Codebook, count: int) -> list[ColumnSpec]:
    """Country-specific items: a few per WVS-7 country, named like the official ones (``CO_COQ148``)."""
    countries = sorted((c for c in codebook.countries if c.wvs7_v6_respondents), key=lambda c: c.code)
    if count <= 0 or not countries:
        return []
    columns: list[ColumnSpec] = []
    for index in range(count):
        country = countries[index % len(countries)]
        rank = index // len(countries)
        question_number = (37 * index + 11 * rank) % 259 + 1
        prefix = _alpha2(country)
        labels = {1: "Agree", 2: "Neither agree nor disagree", 3: "Disagree", -4: "Not asked in this country"}
        columns.append(
            ColumnSpec(
                f"{prefix}_{prefix}Q{question_number}",
                f"{country.name}-specific item {rank + 1} (synthetic filler)",
                "filler",
                labels,
                country=country.code,
            )
        )
    return columns


def _alpha2(country: Country) -> str:
    return country.alpha3[:2]


def _with_v5_labels(spec: ColumnSpec) -> ColumnSpec:
    changes = V5_LABEL_CHANGES.get(spec.name)
    if not changes:
        return spec
    return ColumnSpec(spec.name, spec.label, spec.source, {**spec.value_labels, **changes}, spec.country)

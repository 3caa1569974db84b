"""Frozen records that the codebook YAML loads into."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Granularity = Literal["polar", "refined"]
GRANULARITIES: tuple[Granularity, Granularity] = ("polar", "refined")

DemographicKind = Literal["coded", "count", "country", "open"]


@dataclass(frozen=True)
class Aliases:
    """Names of one WVS-7 variable in the other official files."""

    timeseries: str | None = None
    """Code in the WVS time-series file 1981-2022, e.g. ``A001`` for ``Q1``."""
    joint: str | None = None
    """Name in the joint EVS/WVS 2017-2022 file."""


@dataclass(frozen=True)
class Option:
    """One answer option of a value question at one granularity."""

    question_id: str
    granularity: Granularity
    index: int
    """Zero-based position of the option among the question's options at this granularity."""
    codes: tuple[int, ...]
    """The WVS answer codes that the option merges."""
    statement: str
    """First-person sentence that a respondent choosing this option would agree with."""

    @property
    def statement_id(self) -> str:
        """Stable id of the statement, e.g. ``Q1:polar:0``."""
        return f"{self.question_id}:{self.granularity}:{self.index}"


@dataclass(frozen=True)
class ValueQuestion:
    """One of the 253 value questions of the catalog."""

    id: str
    category: str
    type: str
    """Question type of the original release: ``mc_2`` ... ``mc_10``, ``mc_s`` or ``scale_10``."""
    label: str
    """Short variable label of the WVS codebook."""
    wording: str
    """Question wording of the master questionnaire."""
    aliases: Aliases
    codes: Mapping[int, str]
    """Substantive answer codes that the options cover, with their value labels."""
    outside_codes: Mapping[int, str]
    """Substantive WVS codes that no option covers (e.g. a spontaneous "other answer"); stored as missing."""
    missing_codes: Mapping[int, str]
    """Negative missing codes that the official file declares for this variable, with their labels."""
    polar: tuple[Option, ...]
    refined: tuple[Option, ...]

    def options(self, granularity: Granularity) -> tuple[Option, ...]:
        """Return the options of the question at ``granularity``."""
        return self.polar if granularity == "polar" else self.refined

    def option_for_code(self, code: int, granularity: Granularity) -> Option | None:
        """Return the option that contains answer ``code``, or None for a missing or unknown code."""
        for option in self.options(granularity):
            if code in option.codes:
                return option
        return None


@dataclass(frozen=True)
class ExcludedQuestion:
    """A question of Q1-Q259 that the catalog leaves out, with the reason."""

    id: str
    category: str
    label: str
    reason: str
    aliases: Aliases
    codes: Mapping[int, str]
    missing_codes: Mapping[int, str]


@dataclass(frozen=True)
class DemographicItem:
    """One of the 31 demographic items: a structured column and a statement per respondent."""

    id: str
    """Column name in the catalog, e.g. ``sex``."""
    variable: str | None
    """WVS-7 variable, e.g. ``Q260``; None for items derived from another one (continent)."""
    label: str
    wording: str
    kind: DemographicKind
    """``coded``: closed code list; ``count``: a number; ``country``: an ISO 3166-1 numeric code; ``open``: a
    country-specific code list whose labels come from the data file."""
    codes: Mapping[int, str]
    statements: Mapping[int, str]
    """Statement per code (``coded``) or per special value (``count``)."""
    template: str | None
    """Statement template with ``{value}``, ``{name}`` or ``{label}`` for the kinds that need one."""
    minimum: int | None
    maximum: int | None
    dimension: str | None
    """Name of the Value Inequity Index dimension that this item feeds, or None."""
    aliases: Aliases
    missing_codes: Mapping[int, str]

    def render(self, code: int, label: str | None = None) -> str | None:
        """Return the statement for a valid ``code``, or None when the code is missing or invalid.

        ``label`` is the value label (``open`` kind) or country name (``country`` kind) to put in the template.
        """
        if code < 0:
            return None
        if code in self.statements:
            return self.statements[code]
        if self.template is None:
            return None
        if self.kind == "count":
            if (self.minimum is not None and code < self.minimum) or (
                self.maximum is not None and code > self.maximum
            ):
                return None
            return self.template.format(value=code)
        if label is None:
            return None
        return self.template.format(name=label, label=label)


@dataclass(frozen=True)
class Country:
    """A country or society of WVS-7 or of the EVS part of the joint file."""

    code: int
    """ISO 3166-1 numeric code as stored in ``B_COUNTRY`` (909 for Northern Ireland, a WVS convention)."""
    name: str
    alpha3: str
    continent: str
    wvs7_v6_respondents: int | None
    """Respondents in the WVS-7 v6.0 file, or None for countries surveyed only by the EVS."""


@dataclass(frozen=True)
class FileVariable:
    """A variable of the official release that the catalog does not turn into statements."""

    name: str
    label: str
    section: str
    type: str
    aliases: Aliases
    value_labels: Mapping[int, str]


@dataclass(frozen=True)
class MissingReason:
    """Meaning of one negative WVS missing code."""

    code: int
    reason: str
    label: str


@dataclass(frozen=True)
class Codebook:
    """The whole codebook: value questions, exclusions, demographics, countries and other file variables."""

    name: str
    version: str
    wave: int
    title: str
    sources: tuple[str, ...]
    missing_reasons: tuple[MissingReason, ...]
    categories: tuple[str, ...]
    questions: tuple[ValueQuestion, ...]
    excluded: tuple[ExcludedQuestion, ...]
    demographics: tuple[DemographicItem, ...]
    countries: tuple[Country, ...]
    other_variables: tuple[FileVariable, ...]
    path: str = field(default="", compare=False)
    """File the codebook was loaded from."""

    def question(self, question_id: str) -> ValueQuestion:
        """Return the value question ``question_id``; raise KeyError with close matches when unknown."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(_unknown(question_id, [q.id for q in self.questions], "value question"))

    def demographic(self, item_id: str) -> DemographicItem:
        """Return the demographic item ``item_id``; raise KeyError with close matches when unknown."""
        for item in self.demographics:
            if item.id == item_id:
                return item
        raise KeyError(_unknown(item_id, [d.id for d in self.demographics], "demographic item"))

    def country(self, code: int) -> Country | None:
        """Return the country with ISO numeric ``code``, or None when the codebook does not list it."""
        for country in self.countries:
            if country.code == code:
                return country
        return None

    def missing_reason(self, code: int) -> str:
        """Return the reason name of a negative missing code (``dont_know``, ``not_asked`` ...)."""
        for reason in self.missing_reasons:
            if reason.code == code:
                return reason.reason
        raise KeyError(
            f"{code} is not a WVS missing code; known codes: {[r.code for r in self.missing_reasons]}"
        )

    def options(self, granularity: str) -> list[Option]:
        """Return every option of every value question at ``granularity``, in question order."""
        if granularity not in GRANULARITIES:
            raise ValueError(f"granularity must be one of {GRANULARITIES}, not {granularity!r}")
        return [option for q in self.questions for option in q.options(granularity)]  # type: ignore[arg-type]

    @property
    def dimensions(self) -> tuple[str, ...]:
        """The Value Inequity Index dimensions, in codebook order."""
        return tuple(d.dimension for d in self.demographics if d.dimension is not None)


def _unknown(name: str, choices: list[str], kind: str) -> str:
    import difflib

    close = difflib.get_close_matches(name, choices, n=3)
    suggestion = f" Did you mean {', '.join(close)}?" if close else ""
    return f"Unknown {kind} {name!r}.{suggestion}"

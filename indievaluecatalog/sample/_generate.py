"""Generate a synthetic WVS-7 file in memory from the codebook."""

from __future__ import annotations

import logging
import textwrap
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

from indievaluecatalog.codebook import Codebook, Country, load_codebook
from indievaluecatalog.sample._columns import DOI, VERSION_TEXT, ColumnSpec, official_columns
from indievaluecatalog.sample._latent import draw_traits, ordered_answers
from indievaluecatalog.sample._missing import apply_demographic_missing, apply_value_missing
from indievaluecatalog.sample._other import OtherContext, other_columns
from indievaluecatalog.sample._people import draw_demographics
from indievaluecatalog.sample._provenance import provenance_marker
from indievaluecatalog.sample._records import (
    GENERATOR_VERSION,
    LAYOUTS,
    VERSIONS,
    SampleProvenance,
    SyntheticSurvey,
)

logger = logging.getLogger(__name__)

IntArray = npt.NDArray[np.int32]

NORTHERN_IRELAND = 909
"""B_COUNTRY code of Northern Ireland, whose respondents the codebook counts under Great Britain (826)."""
_NORTHERN_IRELAND_SHARE = 1 / 7
USER_MISSING_RANGE = (-5, -1)


def generate_sample(
    *,
    respondents: int = 3000,
    seed: int = 0,
    version: str = "6.0",
    layout: str = "official",
    codebook: Codebook | None = None,
    sparse_respondents: int = 0,
    empty_respondents: int = 0,
) -> SyntheticSurvey:
    """Generate a synthetic WVS-7 file shaped like the official release of data ``version``.

    ``sparse_respondents`` people get only a few valid value answers and ``empty_respondents`` none; both are 0
    by default, so that default files stay realistic and only bad-input tests get such people.
    Raises ValueError naming the argument when one is out of range.
    """
    check_arguments(respondents, version, layout, sparse_respondents, empty_respondents)
    if seed < 0:
        raise ValueError(f"seed must not be negative, got {seed}")
    book = codebook if codebook is not None else load_codebook()
    rng = np.random.default_rng(np.random.SeedSequence([seed, 7, int(version[0])]))
    provenance = SampleProvenance(GENERATOR_VERSION, seed, respondents, version, layout)  # type: ignore[arg-type]

    columns = official_columns(book, version)
    data, extra_labels = generate_official_data(rng, book, columns, respondents, version, provenance)
    apply_degenerate_respondents(rng, data, columns, sparse_respondents, empty_respondents)
    survey = assemble(columns, data, extra_labels, provenance)
    logger.info("Generated %d synthetic respondents, %d columns (seed %d)", respondents, len(columns), seed)
    if layout == "official":
        return survey

    from indievaluecatalog.sample._layouts import convert_layout

    others = None
    if layout in ("timeseries", "joint"):
        # Time-series files hold rows of earlier waves and joint files rows of the EVS: generated like the
        # wave-7 rows, from their own random stream, so the wave-7 rows stay the same as in the official layout.
        other_rng = np.random.default_rng(np.random.SeedSequence([seed, 7, int(version[0]), 1]))
        if layout == "timeseries":
            countries, years = wvs7_countries(book), (2005, 2014)
        else:
            countries, years = [c for c in book.countries if not c.wvs7_v6_respondents], (2017, 2021)
        other_data, other_labels = generate_official_data(
            other_rng, book, columns, max(1, respondents // 2), version, provenance, countries, years
        )
        others = assemble(columns, other_data, other_labels, provenance)
    return convert_layout(survey, others, book, layout)  # type: ignore[arg-type]


def check_arguments(
    respondents: int, version: str, layout: str, sparse_respondents: int = 0, empty_respondents: int = 0
) -> None:
    """Raise ValueError naming the argument that is out of range."""
    if respondents < 1:
        raise ValueError(f"respondents must be at least 1, got {respondents}")
    if version not in VERSIONS:
        raise ValueError(f"version must be one of {', '.join(VERSIONS)}, got {version!r}")
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, got {layout!r}")
    if sparse_respondents < 0 or empty_respondents < 0:
        raise ValueError("sparse_respondents and empty_respondents must not be negative")
    if sparse_respondents + empty_respondents > respondents:
        raise ValueError(
            f"sparse_respondents + empty_respondents ({sparse_respondents + empty_respondents}) exceeds "
            f"respondents ({respondents})"
        )


def wvs7_countries(book: Codebook) -> list[Country]:
    """Return the WVS-7 countries of the codebook (those with a v6.0 respondent count), in code order."""
    return sorted((c for c in book.countries if c.wvs7_v6_respondents), key=lambda c: c.code)


def allocate(sizes: list[int], total: int) -> list[int]:
    """Split ``total`` respondents over countries in proportion to ``sizes`` (largest remainder).

    Every country gets at least one respondent when ``total`` allows it.
    """
    weights = np.asarray(sizes, dtype=np.float64)
    if total >= len(sizes):
        quota = (total - len(sizes)) * weights / weights.sum()
        counts = np.floor(quota).astype(np.int64) + 1
    else:
        quota = total * weights / weights.sum()
        counts = np.floor(quota).astype(np.int64)
    remainder = total - int(counts.sum())
    order = np.argsort(-(quota - np.floor(quota)), kind="stable")
    counts[order[:remainder]] += 1
    return [int(c) for c in counts]


def generate_official_data(
    rng: np.random.Generator,
    book: Codebook,
    columns: list[ColumnSpec],
    respondents: int,
    version: str,
    provenance: SampleProvenance,
    countries: list[Country] | None = None,
    years: tuple[int, int] = (2017, 2022),
) -> tuple[dict[str, npt.NDArray[np.generic]], dict[str, dict[int, str]]]:
    """Return the values of every column of the official layout and the country-specific value labels.

    ``countries`` defaults to the WVS-7 countries with their v6.0 sample sizes; countries without a size get
    equal shares. ``years`` is the inclusive range of survey years.
    """
    if countries is None:
        countries = wvs7_countries(book)
    counts = allocate([c.wvs7_v6_respondents or 1000 for c in countries], respondents)
    country_index = np.repeat(np.arange(len(countries)), counts).astype(np.int32)
    country_codes = np.array([c.code for c in countries], dtype=np.int32)[country_index]
    gbr = np.flatnonzero(country_codes == 826)
    if len(gbr) > 1:
        northern_ireland = gbr[len(gbr) - max(1, round(len(gbr) * _NORTHERN_IRELAND_SHARE)) :]
        country_codes[northern_ireland] = NORTHERN_IRELAND
    survey_years = rng.integers(years[0], years[1] + 1, size=len(countries)).astype(np.int32)

    continents = [c.continent for c in countries]
    demographics, shifts = draw_demographics(rng, country_codes, country_index, continents, survey_years)
    traits = draw_traits(rng, country_index, len(countries), shifts)

    category_index = {name: i for i, name in enumerate(book.categories)}
    asked = [spec for spec in columns if spec.source == "question"]
    questions = [book.question(spec.name) for spec in asked]
    answers = ordered_answers(
        rng,
        traits,
        country_index,
        len(countries),
        [category_index[q.category] for q in questions],
        [sorted(q.codes) for q in questions],
    )
    data: dict[str, npt.NDArray[np.generic]] = {}
    for j, question in enumerate(questions):
        data[question.id] = answers[:, j]
    apply_value_missing(rng, data, questions, country_index, len(countries))
    apply_demographic_missing(rng, demographics, book)
    data.update(demographics)

    context = OtherContext(
        rng=rng,
        book=book,
        countries=countries,
        country_index=country_index,
        country_codes=country_codes,
        survey_years=survey_years,
        traits=traits,
        data=data,
        version_text=f"{VERSION_TEXT[version]} ({provenance_marker(provenance)})",
        doi=DOI[version],
    )
    data.update(other_columns(context, columns))
    return data, context.labels


def apply_degenerate_respondents(
    rng: np.random.Generator,
    data: dict[str, npt.NDArray[np.generic]],
    columns: list[ColumnSpec],
    sparse: int,
    empty: int,
) -> None:
    """Blank most value answers of ``sparse`` random respondents and all of ``empty`` others (code -2)."""
    if sparse == 0 and empty == 0:
        return
    names = [spec.name for spec in columns if spec.source == "question"]
    n = len(next(iter(data.values())))
    chosen = rng.permutation(n)[: sparse + empty]
    for row_number, row in enumerate(chosen):
        keep = (
            set(rng.choice(len(names), size=int(rng.integers(5, 40)), replace=False))
            if row_number < sparse
            else set()
        )
        for index, name in enumerate(names):
            if index not in keep:
                data[name][row] = -2


def assemble(
    columns: list[ColumnSpec],
    data: Mapping[str, npt.NDArray[np.generic]],
    extra_labels: Mapping[str, Mapping[int, str]],
    provenance: SampleProvenance,
) -> SyntheticSurvey:
    """Put generated columns into a frame in file order, with labels and user-missing declarations."""
    frame = pd.DataFrame({spec.name: data[spec.name] for spec in columns}, copy=False)
    value_labels: dict[str, Mapping[int, str]] = {}
    for spec in columns:
        # Country-specific code lists (regions, languages, parties) get their labels while generated.
        labels = {**spec.value_labels, **extra_labels.get(spec.name, {})}
        if labels:
            value_labels[spec.name] = labels
    user_missing = {
        spec.name: USER_MISSING_RANGE
        for spec in columns
        if frame[spec.name].dtype.kind in "iu" and (spec.source != "other" or _declares_missing(spec))
    }
    return SyntheticSurvey(
        frame=frame,
        variable_labels={spec.name: spec.label for spec in columns},
        value_labels=value_labels,
        user_missing=user_missing,
        file_label=provenance_marker(provenance),
        notes=tuple(textwrap.wrap(provenance.describe(), 80)),
        provenance=provenance,
    )


def _declares_missing(spec: ColumnSpec) -> bool:
    return any(code < 0 for code in spec.value_labels)

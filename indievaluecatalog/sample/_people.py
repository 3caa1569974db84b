"""Demographics of synthetic respondents, drawn per country so that groups differ plausibly.

Codes follow the codebook's demographic items. Religion depends on the continent, education and income on the
country, marital status, employment and living with parents on age. The draws also shift the latent value
traits a little (religion, age, education, sex), so demographic groups differ in their answers as in real data.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from indievaluecatalog.sample._latent import TRAITS

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]

# Religion (Q289 codes 0-9) shares per continent; each country perturbs them.
_RELIGION_BY_CONTINENT: Mapping[str, tuple[float, ...]] = {
    "Europe": (0.30, 0.30, 0.14, 0.16, 0.01, 0.05, 0.0, 0.0, 0.02, 0.02),
    "Asia": (0.22, 0.04, 0.04, 0.05, 0.01, 0.32, 0.12, 0.15, 0.02, 0.03),
    "Africa": (0.04, 0.20, 0.20, 0.03, 0.0, 0.38, 0.0, 0.0, 0.13, 0.02),
    "North America": (0.25, 0.35, 0.20, 0.01, 0.02, 0.01, 0.01, 0.01, 0.12, 0.02),
    "South America": (0.18, 0.55, 0.08, 0.0, 0.0, 0.0, 0.0, 0.0, 0.17, 0.02),
    "Oceania": (0.40, 0.20, 0.22, 0.02, 0.01, 0.02, 0.02, 0.03, 0.05, 0.03),
}


def _choice(rng: np.random.Generator, probabilities: npt.NDArray[np.float64], size: int) -> IntArray:
    """Draw ``size`` category indices from ``probabilities``."""
    indices: IntArray = np.searchsorted(
        np.cumsum(probabilities), rng.random(size) * probabilities.sum()
    ).astype(np.int32)
    return indices


def draw_demographics(
    rng: np.random.Generator,
    country_codes: IntArray,
    country_index: IntArray,
    continents: list[str],
    survey_years: IntArray,
) -> tuple[dict[str, IntArray], FloatArray]:
    """Return demographic columns by WVS variable name, and the shifts they add to the latent traits."""
    n = len(country_codes)
    n_countries = len(continents)
    columns: dict[str, IntArray] = {}

    age = np.clip(np.rint(rng.normal(44.0, 16.0, size=n)), 16, 95).astype(np.int32)
    columns["Q260"] = np.where(rng.random(n) < 0.48, 1, 2).astype(np.int32)
    columns["Q262"] = age
    columns["Q261"] = (survey_years[country_index] - age - rng.integers(0, 2, size=n)).astype(np.int32)
    columns["X003R"] = (np.searchsorted(np.array([25, 35, 45, 55, 65]), age, side="right") + 1).astype(
        np.int32
    )
    columns["X003R2"] = (np.searchsorted(np.array([30, 50]), age, side="right") + 1).astype(np.int32)

    immigrant_share = rng.uniform(0.01, 0.2, size=n_countries)[country_index]
    immigrant = rng.random(n) < immigrant_share
    columns["Q263"] = np.where(immigrant, 2, 1).astype(np.int32)
    columns["Q264"] = np.where(immigrant | (rng.random(n) < immigrant_share * 0.5), 2, 1).astype(np.int32)
    columns["Q265"] = np.where(immigrant | (rng.random(n) < immigrant_share * 0.5), 2, 1).astype(np.int32)
    elsewhere = rng.permutation(country_codes)
    columns["Q266"] = np.where(immigrant, elsewhere, country_codes).astype(np.int32)
    columns["Q267"] = np.where(columns["Q264"] == 2, elsewhere, country_codes).astype(np.int32)
    columns["Q268"] = np.where(columns["Q265"] == 2, np.roll(elsewhere, 1), country_codes).astype(np.int32)
    columns["Q269"] = np.where(immigrant & (rng.random(n) < 0.5), 2, 1).astype(np.int32)

    young = age < 30
    columns["Q270"] = np.clip(1 + rng.poisson(2.4, size=n), 1, 7).astype(np.int32)
    lives_with = rng.choice([1, 2, 3, 4], size=n, p=[0.7, 0.2, 0.06, 0.04])
    columns["Q271"] = np.where(young & (rng.random(n) < 0.5), 2, lives_with).astype(np.int32)
    marital = rng.choice([1, 2, 3, 4, 5, 6], size=n, p=[0.55, 0.08, 0.06, 0.02, 0.07, 0.22])
    columns["Q273"] = np.where(young & (rng.random(n) < 0.6), 6, marital).astype(np.int32)
    columns["Q274"] = np.where(columns["Q273"] == 6, rng.poisson(0.2, size=n), rng.poisson(2.0, size=n))
    columns["Q274"] = np.clip(columns["Q274"], 0, 7).astype(np.int32)

    education_level = rng.normal(3.5, 1.0, size=n_countries)[country_index]
    education = np.clip(np.rint(rng.normal(education_level, 1.8)), 0, 8).astype(np.int32)
    columns["Q275"] = education
    for name, offset in (("Q276", 0.0), ("Q277", -1.5), ("Q278", -1.2)):
        columns[name] = np.clip(np.rint(rng.normal(education_level + offset, 1.8)), 0, 8).astype(np.int32)
    columns["Q275R"], columns["Q276R"], columns["Q277R"], columns["Q278R"] = (
        (np.searchsorted(np.array([3, 5]), columns[name], side="right") + 1).astype(np.int32)
        for name in ("Q275", "Q276", "Q277", "Q278")
    )

    employment = rng.choice(np.arange(1, 9), size=n, p=[0.38, 0.09, 0.13, 0.1, 0.1, 0.07, 0.1, 0.03])
    employment = np.where(age < 23, np.where(rng.random(n) < 0.6, 6, employment), employment)
    employment = np.where(age > 66, np.where(rng.random(n) < 0.7, 4, employment), employment)
    columns["Q279"] = employment.astype(np.int32)
    columns["Q280"] = rng.choice(np.arange(1, 9), size=n).astype(np.int32)
    occupation = rng.integers(1, 11, size=n)
    columns["Q281"] = np.where((employment == 6) & (rng.random(n) < 0.7), 0, occupation).astype(np.int32)
    columns["Q282"] = rng.integers(0, 11, size=n).astype(np.int32)
    columns["Q283"] = rng.integers(0, 11, size=n).astype(np.int32)
    columns["Q284"] = rng.choice([1, 2, 3], size=n, p=[0.3, 0.62, 0.08]).astype(np.int32)
    columns["Q285"] = rng.choice([1, 2], size=n, p=[0.55, 0.45]).astype(np.int32)
    columns["Q286"] = rng.choice([1, 2, 3, 4], size=n, p=[0.3, 0.45, 0.15, 0.1]).astype(np.int32)
    columns["Q287"] = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.03, 0.2, 0.35, 0.3, 0.12]).astype(np.int32)
    income_level = rng.normal(0.0, 0.6, size=n_countries)[country_index] + 0.35 * (education - 3.5)
    columns["Q288"] = np.clip(np.rint(rng.normal(5.0 + income_level, 2.0)), 1, 10).astype(np.int32)
    columns["Q288R"] = (np.searchsorted(np.array([4, 8]), columns["Q288"], side="right") + 1).astype(np.int32)

    religion_shares = np.array([_RELIGION_BY_CONTINENT[continent] for continent in continents])
    country_religion = np.array([rng.dirichlet(40.0 * shares + 0.05) for shares in religion_shares])
    cumulative = np.cumsum(country_religion, axis=1)[country_index]
    religion = (rng.random(n)[:, None] > cumulative).sum(axis=1)
    columns["Q289"] = np.minimum(religion, 9).astype(np.int32)

    shifts = np.zeros((n, TRAITS))
    shifts[:, 0] += np.where(columns["Q289"] == 0, -0.6, 0.3)
    shifts[:, 0] += 0.015 * (age - 44)
    shifts[:, 1] -= 0.12 * (education - 3.5)
    shifts[:, 2] += np.where(columns["Q260"] == 2, 0.25, -0.25)
    shifts[:, 3] += 0.08 * (columns["Q288"] - 5)
    return columns, shifts

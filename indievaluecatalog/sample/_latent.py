"""Answers from a latent trait model, so answers correlate within a person and across related questions.

Each respondent has ``TRAITS`` latent value traits: a country effect plus a personal deviation plus small
demographic shifts. Each question loads strongly on the trait of its category and weakly on one other trait;
an ordered-threshold model turns the latent score into the question's answer codes, with thresholds placed so
that the answer distribution matches a per-question marginal drawn once per file.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

TRAITS = 5
_COUNTRY_SPREAD = 0.8
_NOISE = 0.9

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int32]


def draw_traits(
    rng: np.random.Generator, country_index: IntArray, n_countries: int, shifts: FloatArray
) -> FloatArray:
    """Return the respondents' latent traits (respondents x ``TRAITS``): country effect, person and ``shifts``."""
    country_effect = rng.normal(0.0, _COUNTRY_SPREAD, size=(n_countries, TRAITS))
    person = rng.normal(0.0, 1.0, size=(len(country_index), TRAITS))
    traits: FloatArray = country_effect[country_index] + person + shifts
    return traits


def ordered_answers(
    rng: np.random.Generator,
    traits: FloatArray,
    country_index: IntArray,
    n_countries: int,
    category_of: Sequence[int],
    codes_of: Sequence[Sequence[int]],
) -> IntArray:
    """Return answer codes (respondents x questions) from the ordered-threshold model.

    ``category_of[j]`` picks the trait that question ``j`` loads on most; ``codes_of[j]`` are its substantive
    codes in scale order.
    """
    n_people = traits.shape[0]
    n_questions = len(codes_of)
    loadings = np.zeros((TRAITS, n_questions))
    primary = np.asarray(category_of) % TRAITS
    signs = rng.choice([-1.0, 1.0], size=n_questions)
    loadings[primary, np.arange(n_questions)] = signs * rng.uniform(0.9, 1.5, size=n_questions)
    secondary = (primary + rng.integers(1, TRAITS, size=n_questions)) % TRAITS
    loadings[secondary, np.arange(n_questions)] += rng.normal(0.0, 0.35, size=n_questions)
    country_shift = rng.normal(0.0, 0.35, size=(n_countries, n_questions))

    scores = (
        traits @ loadings
        + country_shift[country_index]
        + rng.normal(0.0, _NOISE, size=(n_people, n_questions))
    )
    spread = np.sqrt((loadings**2).sum(axis=0) * (1.0 + _COUNTRY_SPREAD**2) + 0.35**2 + _NOISE**2)

    answers = np.empty((n_people, n_questions), dtype=np.int32)
    unit = NormalDist()
    for j, codes in enumerate(codes_of):
        marginal = rng.dirichlet(np.full(len(codes), 2.5))
        cumulative = np.cumsum(marginal)[:-1]
        cuts = np.array([unit.inv_cdf(min(max(p, 1e-6), 1 - 1e-6)) for p in cumulative]) * spread[j]
        positions = np.searchsorted(cuts, scores[:, j])
        answers[:, j] = np.asarray(codes, dtype=np.int32)[positions]
    return answers

"""Missing codes at realistic rates: -1 don't know, -2 no answer, -3 not applicable, -4 not asked, -5 other.

Most respondents leave 1-3% of value questions unanswered; about 3% are reluctant and leave a quarter of them.
Each country skips a few questions entirely (-4 for all its respondents). Questions with a filter get -3 for
the people the filter routes past, and spontaneous answers outside the options (e.g. Q111 code 3) appear at a
low rate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from indievaluecatalog.codebook import Codebook, ValueQuestion

IntArray = npt.NDArray[np.int32]

_NOT_ASKED_RATE = 0.012
_RELUCTANT_SHARE = 0.03
_OUTSIDE_RATE = 0.012
_FILTER_RATE = 0.06
_MISSING_MIX = ((-1, 0.7), (-2, 0.22), (-5, 0.08))


def apply_value_missing(
    rng: np.random.Generator,
    data: dict[str, npt.NDArray[np.generic]],
    questions: Sequence[ValueQuestion],
    country_index: IntArray,
    n_countries: int,
) -> None:
    """Replace some answers in ``data`` with missing and outside codes, in place."""
    n = len(country_index)
    reluctant = rng.random(n) < _RELUCTANT_SHARE
    propensity = np.where(reluctant, rng.beta(3.0, 9.0, size=n), rng.beta(1.2, 60.0, size=n))
    difficulty = rng.lognormal(0.0, 0.6, size=len(questions))
    not_asked = rng.random((n_countries, len(questions))) < _NOT_ASKED_RATE

    for j, question in enumerate(questions):
        answers = data[question.id]
        if question.outside_codes:
            outside = rng.random(n) < _OUTSIDE_RATE
            answers[outside] = rng.choice(sorted(question.outside_codes), size=int(outside.sum()))
        if -3 in question.missing_codes:
            answers[rng.random(n) < _FILTER_RATE] = -3
        missing = rng.random(n) < np.minimum(propensity * difficulty[j], 0.95)
        answers[missing] = _missing_codes(rng, question.missing_codes, int(missing.sum()))
        if -4 in question.missing_codes:
            answers[not_asked[country_index, j]] = -4


def apply_demographic_missing(rng: np.random.Generator, columns: dict[str, IntArray], book: Codebook) -> None:
    """Replace about 1% of each demographic answer with a declared missing code, and apply filters (-3)."""
    for item in book.demographics:
        if item.variable is None or item.variable not in columns:
            continue
        values = columns[item.variable]
        missing = rng.random(len(values)) < 0.01
        values[missing] = _missing_codes(rng, item.missing_codes, int(missing.sum()))
    married = np.isin(columns["Q273"], (1, 2))
    columns["Q276"][~married] = -3
    columns["Q284"][columns["Q281"] == 0] = -3


def _missing_codes(rng: np.random.Generator, declared: Mapping[int, str], size: int) -> IntArray:
    """Draw ``size`` missing codes from the mix, limited to the codes the variable declares."""
    codes = [code for code, _ in _MISSING_MIX if code in declared]
    if not codes:
        codes = [-2]
    weights = np.array([weight for code, weight in _MISSING_MIX if code in codes])
    return rng.choice(np.array(codes, dtype=np.int32), size=size, p=weights / weights.sum())

"""Missing codes at realistic rates: -1 don't know, -2 no answer, -3 not applicable, -4 not asked, -5 other.

Item nonresponse (-1, -2, -5): each respondent has a personal propensity and each question a difficulty, so
most respondents leave a few percent of value questions unanswered and some questions draw several times more
nonresponse than others. About 7% of all value answers are missing this way. About 3% of respondents are
reluctant and leave a quarter of the questions unanswered. The rates are set so that, in a country that asks every question, about
4% of respondents answer all 108 probe questions of the task protocol and at least 239 value questions. At the
size of the v6.0 file that gives Oceania's two countries fewer such people than an equal share of the 800
evaluation people, as the protocol's "all of Oceania" rule assumes, and the other continents more.
NOTE: a 3,000-respondent file has only 89 people in Oceania, so some seeds (seed 7 among seeds 0-8) leave it
without an eligible person.

Not asked (-4, for every respondent of a country): official WVS-7 files use this code for a few items in some
countries, mostly country-specific or sensitive ones, rather than evenly over the questionnaire. The model
imitates that pattern with made-up rates:

- a pool of ``_SKIP_POOL_SIZE`` questions is drawn once per file, each question of a category in
  ``_SENSITIVE_CATEGORIES`` (religion, ethics, politics, security, migration, corruption) ``_SENSITIVE_WEIGHT``
  times as likely as another;
- a share ``_SKIPPING_COUNTRY_SHARE`` of the countries (rounded) skips anything at all, each between 1 and
  ``_MAX_SKIPS_PER_COUNTRY`` questions of the pool;
- the k-th question drawn into the pool is skipped with weight 1/k, so a few items account for most skips.

Every other country asks every question, so most countries have people who answered every probe question.
Questions with a filter get -3 for the people the filter routes past, and spontaneous answers outside the
options (e.g. Q111 code 3) appear at a low rate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from indievaluecatalog.codebook import Codebook, ValueQuestion

IntArray = npt.NDArray[np.int32]
BoolArray = npt.NDArray[np.bool_]

_SKIPPING_COUNTRY_SHARE = 0.3
_SKIP_POOL_SIZE = 24
_MAX_SKIPS_PER_COUNTRY = 5
_SENSITIVE_CATEGORIES = frozenset(
    {
        "Corruption",
        "Migration",
        "Security",
        "Religious Values",
        "Ethical Values and Norms",
        "Political Interest & Political Participation",
        "Political Culture & Political Regimes",
    }
)
_SENSITIVE_WEIGHT = 4.0
_PROPENSITY_BETA = (2.0, 48.0)
"""Beta parameters of a respondent's base nonresponse rate (mean 4%)."""
_RELUCTANT_SHARE = 0.03
_RELUCTANT_PROPENSITY_BETA = (3.0, 9.0)
"""Beta parameters of a reluctant respondent's base nonresponse rate (mean 25%)."""
_DIFFICULTY_SIGMA = 0.8
"""Log-normal sigma of a question's factor on the base rate (median 1, mean 1.38)."""
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
    propensity = np.where(
        reluctant, rng.beta(*_RELUCTANT_PROPENSITY_BETA, size=n), rng.beta(*_PROPENSITY_BETA, size=n)
    )
    difficulty = rng.lognormal(0.0, _DIFFICULTY_SIGMA, size=len(questions))
    not_asked = draw_not_asked(rng, questions, n_countries)

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


def draw_not_asked(
    rng: np.random.Generator, questions: Sequence[ValueQuestion], n_countries: int
) -> BoolArray:
    """Return a countries x questions mask of the questions that each country does not ask.

    Follows the model of the module docstring: a minority of countries skip a few questions each, drawn from a
    small pool weighted towards sensitive categories.
    """
    not_asked = np.zeros((n_countries, len(questions)), dtype=np.bool_)
    if not questions or n_countries == 0:
        return not_asked
    category_weights = np.array(
        [_SENSITIVE_WEIGHT if q.category in _SENSITIVE_CATEGORIES else 1.0 for q in questions]
    )
    pool_size = min(_SKIP_POOL_SIZE, len(questions))
    pool = rng.choice(
        len(questions), size=pool_size, replace=False, p=category_weights / category_weights.sum()
    )
    pool_weights = 1.0 / np.arange(1, pool_size + 1)
    pool_weights /= pool_weights.sum()

    skipping = rng.permutation(n_countries)[: round(_SKIPPING_COUNTRY_SHARE * n_countries)]
    for country in skipping:
        count = int(rng.integers(1, min(_MAX_SKIPS_PER_COUNTRY, pool_size) + 1))
        skipped = rng.choice(pool, size=count, replace=False, p=pool_weights)
        not_asked[country, skipped] = True
    return not_asked


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

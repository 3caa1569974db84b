"""Selection of the evaluation people and of the held-out countries and question categories.

The rules and counts follow the evaluation protocol of Jiang et al., "Can Language Models Reason about
Individualistic Human Values and Preferences?" (arXiv 2410.03868). Every draw is seeded through
:func:`stable_generator` with a key per continent or split. Every candidate list is sorted by ``respondent_id``
(or country code) before it is shuffled, so the result depends only on the seed and the data, not on row order,
dict order or floating point.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from indievaluecatalog.codebook import Codebook
from indievaluecatalog.errors import SplitError
from indievaluecatalog.splits._seeding import stable_generator

logger = logging.getLogger(__name__)

FULL_RELEASE_RESPONDENTS = 97_220
"""Respondents of the WVS-7 v6.0 release, the population that the protocol's counts are scaled from."""
FULL_SCALE_THRESHOLD = 90_000
"""Inputs with at least this many respondents (a full WVS-7 release) use the protocol's counts unscaled."""
MIN_PER_CONTINENT = 4
"""Smallest share per continent when the counts are scaled down for a small input."""
MISSING_RELIGION = "(missing)"
"""Religion group of people without a valid religion answer; the cap applies to it like to any group."""


@dataclass(frozen=True)
class EvaluationRules:
    """The rules that pick the evaluation people; the defaults are the protocol's counts for a full release."""

    size: int = 800
    """Target number of evaluation people."""
    min_valid_answers: int = 239
    """Valid value answers a person needs (of 253)."""
    min_valid_demographics: int = 24
    """Valid demographic answers a person needs outside the all-included continent."""
    religion_cap: int = 80
    """Most people of one religion group per continent."""
    all_included_continent: str = "Oceania"
    """Continent whose eligible people are all included, whatever their demographics."""
    scale: float = 1.0
    """Factor applied to ``size`` and ``religion_cap`` for a small input (1.0 for a full release)."""


def scaled_rules(
    n_respondents: int, n_continents: int = 6, rules: EvaluationRules | None = None
) -> EvaluationRules:
    """Scale the evaluation size and religion cap to a population of ``n_respondents``.

    A full release keeps the protocol's 800 people and cap of 80. A smaller input gets a size proportional to its
    population relative to the v6.0 release, at least MIN_PER_CONTINENT people per continent, and the religion cap
    scaled by the same factor as the size (at least MIN_PER_CONTINENT). The per-person thresholds stay unscaled.
    """
    base = rules or EvaluationRules()
    if n_respondents >= FULL_SCALE_THRESHOLD:
        return base
    scale = n_respondents / FULL_RELEASE_RESPONDENTS
    size = max(round(base.size * scale), MIN_PER_CONTINENT * n_continents)
    cap = max(math.ceil(base.religion_cap * size / base.size), MIN_PER_CONTINENT)
    return replace(base, size=size, religion_cap=cap, scale=size / base.size)


@dataclass(frozen=True)
class EvaluationSelection:
    """The evaluation people and the counts that produced them."""

    respondent_ids: tuple[str, ...]
    """Selected people, sorted by respondent id."""
    rules: EvaluationRules
    eligible: Mapping[str, int]
    """Per continent: people who answered every probe question and enough value questions."""
    candidates: Mapping[str, int]
    """Per continent: eligible people who also pass the demographics threshold (all eligible for Oceania)."""
    selected: Mapping[str, int]
    """Per continent: people selected."""
    seed: int = field(default=0)

    def counts(self) -> dict[str, object]:
        """Return the rules and counts as a JSON-ready dict for the build manifest."""
        return {
            "seed": self.seed,
            "size": len(self.respondent_ids),
            "target_size": self.rules.size,
            "scale": self.rules.scale,
            "min_valid_answers": self.rules.min_valid_answers,
            "min_valid_demographics": self.rules.min_valid_demographics,
            "religion_cap": self.rules.religion_cap,
            "all_included_continent": self.rules.all_included_continent,
            "eligible_per_continent": dict(self.eligible),
            "candidates_per_continent": dict(self.candidates),
            "selected_per_continent": dict(self.selected),
        }


def probe_eligibility(respondents: pd.DataFrame, probe_questions: Sequence[str]) -> pd.Series:
    """Return a boolean Series: the person has a valid answer at both granularities to every probe question."""
    answered = pd.Series(True, index=respondents.index)
    for question_id in probe_questions:
        for granularity in ("polar", "refined"):
            column = f"{question_id}_{granularity}"
            if column not in respondents.columns:
                raise SplitError(
                    f"The respondents table has no column {column!r}, needed for probe question {question_id}.",
                    hint="build the catalog with the codebook that defines the probe setups",
                )
            answered &= respondents[column].notna().to_numpy()
    return answered


def _required(respondents: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in respondents.columns]
    if missing:
        raise SplitError(
            f"The respondents table lacks the columns {missing} that the split rules use.",
            hint="pass the `respondents` table of a built catalog",
        )


def select_evaluation(
    respondents: pd.DataFrame,
    probe_questions: Sequence[str],
    *,
    seed: int,
    rules: EvaluationRules | None = None,
) -> EvaluationSelection:
    """Select the evaluation people by the rules; with ``rules`` None, scale the protocol's rules to the input.

    Eligible: a valid answer to every question in ``probe_questions`` (all three setups) and at least
    ``min_valid_answers`` valid value answers. All eligible people of the all-included continent are selected,
    unless they outnumber an equal share of ``size`` (possible only on a small or unusual input): then a seeded
    draw of an equal share is.
    Other continents draw from their eligible people with at least ``min_valid_demographics`` valid demographic
    answers, at most ``religion_cap`` per religion group, and share the remaining places equally; a continent
    with too few candidates takes all it can, and its unused places go to the others.
    """
    _required(
        respondents, ["respondent_id", "continent", "religion", "n_valid_answers", "n_valid_demographics"]
    )
    rules = rules or scaled_rules(len(respondents))
    frame = respondents[
        ["respondent_id", "continent", "religion", "n_valid_answers", "n_valid_demographics"]
    ].copy()
    frame["continent"] = frame["continent"].fillna("(unknown)").astype(str)
    frame["religion"] = frame["religion"].fillna(MISSING_RELIGION).astype(str)
    eligible_mask = probe_eligibility(respondents, probe_questions).to_numpy() & (
        frame["n_valid_answers"].fillna(0).astype(int).to_numpy() >= rules.min_valid_answers
    )
    eligible = frame[eligible_mask].sort_values("respondent_id", kind="stable")

    continents = sorted(set(frame["continent"].tolist()))
    eligible_counts = {c: int((eligible["continent"] == c).sum()) for c in continents}
    all_included = eligible[eligible["continent"] == rules.all_included_continent]
    n_all_included = len(all_included)
    share_limit = math.ceil(rules.size / max(len(continents), 1))
    if len(all_included) > share_limit:
        # The rule expects this continent to be small. Where it is not, it gets an equal share, so the other
        # continents keep their places.
        logger.warning(
            "%s has %d eligible people, more than an equal share of %d; a seeded draw of %d is included.",
            rules.all_included_continent,
            len(all_included),
            share_limit,
            share_limit,
        )
        all_included = _draw(all_included, share_limit, seed, rules.all_included_continent)
    selected_ids: list[str] = all_included["respondent_id"].tolist()

    others = [c for c in continents if c != rules.all_included_continent]
    pools: dict[str, pd.DataFrame] = {}
    candidate_counts = {rules.all_included_continent: n_all_included} if n_all_included else {}
    capacities: dict[str, int] = {}
    for continent in others:
        pool = eligible[
            (eligible["continent"] == continent)
            & (eligible["n_valid_demographics"].fillna(0).astype(int) >= rules.min_valid_demographics)
        ]
        pools[continent] = pool
        candidate_counts[continent] = len(pool)
        capacities[continent] = int(pool.groupby("religion").size().clip(upper=rules.religion_cap).sum())

    quotas = allocate_equally(rules.size - len(selected_ids), capacities)
    selected_counts = {rules.all_included_continent: len(all_included)} if len(all_included) else {}
    for continent in others:
        chosen = _draw_capped(pools[continent], quotas[continent], rules.religion_cap, seed, continent)
        selected_ids.extend(chosen)
        selected_counts[continent] = len(chosen)

    if len(selected_ids) < rules.size:
        logger.warning(
            "Only %d evaluation people could be selected of the target %d: too few eligible people (per continent: "
            "%s).",
            len(selected_ids),
            rules.size,
            candidate_counts,
        )
    selection = EvaluationSelection(
        respondent_ids=tuple(sorted(selected_ids)),
        rules=rules,
        eligible=eligible_counts,
        candidates=dict(sorted(candidate_counts.items())),
        selected=dict(sorted(selected_counts.items())),
        seed=seed,
    )
    if not selection.respondent_ids:
        logger.warning(
            "No respondent is eligible for the evaluation set (eligible per continent: %s), so the catalog has no "
            "task instances; a file that lacks probe questions (see reports/coverage.csv) cannot give any",
            selection.eligible,
        )
    logger.info(
        "Selected %d evaluation people (target %d, religion cap %d, scale %.4f): %s",
        len(selection.respondent_ids),
        rules.size,
        rules.religion_cap,
        rules.scale,
        selection.selected,
    )
    return selection


def allocate_equally(total: int, capacities: Mapping[str, int]) -> dict[str, int]:
    """Share ``total`` places equally among continents, none above its capacity.

    Continents whose capacity is below the equal share take their capacity, and the rest is shared again among
    the others. A remainder that does not divide evenly goes one place each to continents in name order.
    """
    quotas = {name: 0 for name in sorted(capacities)}
    open_names = [name for name in sorted(capacities) if capacities[name] > 0]
    remaining = total
    while remaining > 0 and open_names:
        share, extra = divmod(remaining, len(open_names))
        saturated = [name for name in open_names if capacities[name] - quotas[name] <= share]
        if saturated:
            for name in saturated:
                remaining -= capacities[name] - quotas[name]
                quotas[name] = capacities[name]
            open_names = [name for name in open_names if name not in saturated]
            continue
        for name in open_names:
            quotas[name] += share
        for name in open_names[:extra]:
            quotas[name] += 1
        remaining = 0
    return quotas


def _shuffled(pool: pd.DataFrame, seed: int, continent: str) -> pd.DataFrame:
    """Return ``pool`` sorted by respondent id, then in the seeded random order of ``continent``."""
    ordered = pool.sort_values("respondent_id", kind="stable").reset_index(drop=True)
    order = stable_generator(seed, "evaluation", continent).permutation(len(ordered))
    return ordered.iloc[order].reset_index(drop=True)


def _draw(pool: pd.DataFrame, count: int, seed: int, continent: str) -> pd.DataFrame:
    return _shuffled(pool, seed, continent).iloc[:count]


def _draw_capped(pool: pd.DataFrame, quota: int, cap: int, seed: int, continent: str) -> list[str]:
    """Draw ``quota`` people of ``pool`` in a seeded random order, skipping those whose religion group is full."""
    if quota <= 0:
        return []
    shuffled = _shuffled(pool, seed, continent)
    rank_in_group = shuffled.groupby("religion", sort=True).cumcount().to_numpy()
    kept = shuffled[rank_in_group < cap]
    ids: list[str] = kept["respondent_id"].iloc[:quota].tolist()
    return ids


def select_heldout_countries(
    respondents: pd.DataFrame, *, seed: int, fraction: float = 0.2
) -> tuple[tuple[int, str], ...]:
    """Pick held-out countries per continent: ``fraction`` of each continent's countries, rounded, at least one.

    A continent with a single country keeps it for training. Returns (country code, continent) pairs sorted by
    code; their people form the test side of the held-out-countries split.
    """
    _required(respondents, ["country_code", "continent"])
    pairs = respondents[["country_code", "continent"]].dropna().drop_duplicates()
    held_out: list[tuple[int, str]] = []
    for continent in sorted(set(pairs["continent"].astype(str).tolist())):
        codes = sorted(int(c) for c in pairs.loc[pairs["continent"] == continent, "country_code"].unique())
        if len(codes) < 2:
            continue
        count = min(max(1, round(fraction * len(codes))), len(codes) - 1)
        order = stable_generator(seed, "heldout_countries", continent).permutation(len(codes))
        held_out.extend((codes[i], continent) for i in order[:count])
    result = tuple(sorted(held_out))
    logger.info(
        "Held out %d countries for the held-out-countries split: %s", len(result), [c for c, _ in result]
    )
    return result


def select_heldout_categories(codebook: Codebook, *, seed: int, count: int = 3) -> tuple[str, ...]:
    """Pick ``count`` question categories whose questions are probed but never demonstrated, in codebook order."""
    categories = list(codebook.categories)
    if not 0 < count < len(categories):
        raise SplitError(
            f"Cannot hold out {count} of the {len(categories)} question categories.",
            hint=f"choose a count between 1 and {len(categories) - 1}",
        )
    order = stable_generator(seed, "heldout_categories").permutation(len(categories))
    chosen = {categories[i] for i in order[:count]}
    return tuple(c for c in categories if c in chosen)

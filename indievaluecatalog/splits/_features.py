"""Explicit ``datasets`` features of the `splits` and `probes` configs (see docs/task.md for each column)."""

from __future__ import annotations

from indievaluecatalog._features import Features, List, Value

SPLITS_DESCRIPTION = (
    "one row per respondent: 'test' or 'train' in each split column (evaluation people, held-out countries)"
)
PROBES_DESCRIPTION = (
    "one row per evaluation person, probe setup and number of demonstrations: demonstration statement ids "
    "(join to `statements`) and the probes as parallel lists of question ids, option statement ids and the "
    "person's zero-based options"
)


def splits_features() -> Features:
    """Return the features of the `splits` config, in column order."""
    return Features.of(
        {
            "respondent_id": Value("string"),
            "evaluation": Value("string"),
            "heldout_countries": Value("string"),
        }
    )


def probes_features() -> Features:
    """Return the features of the `probes` config, in column order (matching ``PROBES_SCHEMA``)."""
    return Features.of(
        {
            "respondent_id": Value("string"),
            "setup": Value("int8"),
            "demos": Value("string"),
            "n_requested": Value("int16"),
            "n_demonstrations": Value("int16"),
            "demonstrations_polar": List(Value("string")),
            "demonstrations_refined": List(Value("string")),
            "probe_questions": List(Value("string")),
            "probe_polar_options": List(List(Value("string"))),
            "probe_refined_options": List(List(Value("string"))),
            "probe_polar_answers": List(Value("int8")),
            "probe_refined_answers": List(Value("int8")),
        }
    )

"""The task protocol: probe setups, evaluation people, held-out splits, demonstrations and task instances."""

from indievaluecatalog.splits._build import SPLIT_COLUMNS, TaskTables, build_task_tables, write_task_tables
from indievaluecatalog.splits._demonstrations import (
    DEMO_COUNTS,
    MIXED_RANGE,
    DemonstrationDraw,
    check_demos,
    draw_demonstrations,
)
from indievaluecatalog.splits._features import (
    PROBES_DESCRIPTION,
    SPLITS_DESCRIPTION,
    probes_features,
    splits_features,
)
from indievaluecatalog.splits._instances import (
    SPLIT_NAMES,
    StatementTexts,
    catalog_seed,
    evaluation_ids,
    instances_for_people,
    load_task_instances,
    rows_to_instances,
    split_ids,
    training_pool_ids,
)
from indievaluecatalog.splits._records import Probe, TaskInstance
from indievaluecatalog.splits._rows import PROBES_SCHEMA, AnswerMatrix, answer_matrix, instance_rows
from indievaluecatalog.splits._seeding import DEFAULT_SEED, stable_generator
from indievaluecatalog.splits._selection import (
    EvaluationRules,
    EvaluationSelection,
    allocate_equally,
    scaled_rules,
    select_evaluation,
    select_heldout_categories,
    select_heldout_countries,
)
from indievaluecatalog.splits._setups import (
    ProbeSetup,
    ProbeSetups,
    default_setups_path,
    load_probe_setups,
    setups_from_rule,
)

__all__ = [
    "DEFAULT_SEED",
    "DEMO_COUNTS",
    "MIXED_RANGE",
    "PROBES_DESCRIPTION",
    "PROBES_SCHEMA",
    "SPLITS_DESCRIPTION",
    "SPLIT_COLUMNS",
    "SPLIT_NAMES",
    "AnswerMatrix",
    "DemonstrationDraw",
    "EvaluationRules",
    "EvaluationSelection",
    "Probe",
    "ProbeSetup",
    "ProbeSetups",
    "StatementTexts",
    "TaskInstance",
    "TaskTables",
    "allocate_equally",
    "answer_matrix",
    "build_task_tables",
    "catalog_seed",
    "check_demos",
    "default_setups_path",
    "draw_demonstrations",
    "evaluation_ids",
    "instance_rows",
    "instances_for_people",
    "load_probe_setups",
    "load_task_instances",
    "probes_features",
    "rows_to_instances",
    "scaled_rules",
    "select_evaluation",
    "select_heldout_categories",
    "select_heldout_countries",
    "setups_from_rule",
    "split_ids",
    "splits_features",
    "stable_generator",
    "training_pool_ids",
    "write_task_tables",
]

"""The baseline reasoner: training data from the training pool and supervised fine-tuning with TRL.

Nothing here imports torch, transformers, trl or peft at import time. Training imports them when it starts and
raises MissingExtraError when the ``train`` extra is absent.
"""

from indievaluecatalog.reasoner._answers import AnswerTable, answer_table, read_catalog_answers
from indievaluecatalog.reasoner._config import (
    LoraSettings,
    ReasonerConfig,
    TrainingSettings,
    load_reasoner_config,
    shipped_configs,
)
from indievaluecatalog.reasoner._data import (
    COMBINATIONS,
    TrainingDataOptions,
    TrainingDataSummary,
    TrainingExample,
    build_reasoner_data,
    build_training_examples,
    write_training_data,
)
from indievaluecatalog.reasoner._train import TrainingResult, train_reasoner

__all__ = [
    "COMBINATIONS",
    "AnswerTable",
    "LoraSettings",
    "ReasonerConfig",
    "TrainingDataOptions",
    "TrainingDataSummary",
    "TrainingExample",
    "TrainingResult",
    "TrainingSettings",
    "answer_table",
    "build_reasoner_data",
    "build_training_examples",
    "load_reasoner_config",
    "read_catalog_answers",
    "shipped_configs",
    "train_reasoner",
    "write_training_data",
]

"""Statistical baselines that score task instances through the same Scorer protocol as models."""

from indievaluecatalog.baselines._answers import AnswerTable, QuestionLayout
from indievaluecatalog.baselines._base import BaselineScorer
from indievaluecatalog.baselines._lowrank import LowRankScorer
from indievaluecatalog.baselines._registry import (
    BASELINE_OPTIONS,
    BASELINES,
    check_baseline_options,
    make_baseline,
)
from indievaluecatalog.baselines._resemblance import ResemblanceScorer
from indievaluecatalog.baselines._simple import DemographicCellScorer, MajorityScorer, RandomScorer

__all__ = [
    "BASELINES",
    "BASELINE_OPTIONS",
    "AnswerTable",
    "BaselineScorer",
    "DemographicCellScorer",
    "LowRankScorer",
    "MajorityScorer",
    "QuestionLayout",
    "RandomScorer",
    "ResemblanceScorer",
    "check_baseline_options",
    "make_baseline",
]

"""Evaluation runs: score task instances with a model or a baseline, store predictions, compute metrics, report.

Model backends live in ``indievaluecatalog.evaluate.backends`` and are imported only when a model is scored.
"""

from indievaluecatalog.evaluate._catalog import CatalogInfo, resolve_catalog
from indievaluecatalog.evaluate._config import BACKENDS, FORMATS, EvaluationConfig
from indievaluecatalog.evaluate._report import write_report
from indievaluecatalog.evaluate._rundir import PREDICTIONS_SCHEMA, RunDirectory
from indievaluecatalog.evaluate._runner import EvaluationResult, run_evaluation, score_chunk

__all__ = [
    "BACKENDS",
    "FORMATS",
    "PREDICTIONS_SCHEMA",
    "CatalogInfo",
    "EvaluationConfig",
    "EvaluationResult",
    "RunDirectory",
    "resolve_catalog",
    "run_evaluation",
    "score_chunk",
    "write_report",
]

"""Fixtures of the baseline tests: a synthetic respondents table and task instances built from it."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from indievaluecatalog.codebook import Codebook, load_codebook
from indievaluecatalog.splits._records import TaskInstance


def _load_synthetic() -> ModuleType:
    path = Path(__file__).resolve().parent.parent / "evaluate" / "synthetic_catalog.py"
    spec = importlib.util.spec_from_file_location("synthetic_catalog", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


synthetic = _load_synthetic()


@pytest.fixture(scope="session")
def synthetic_catalog() -> ModuleType:
    """The helper module that builds synthetic respondents and task instances."""
    return synthetic


@pytest.fixture(scope="session")
def book() -> Codebook:
    """The shipped codebook."""
    return load_codebook()


@pytest.fixture(scope="session")
def respondents(book: Codebook) -> pd.DataFrame:
    """A synthetic respondents table of 300 people in two answer clusters."""
    return synthetic.make_respondents(book)


@pytest.fixture(scope="session")
def evaluation_ids(respondents: pd.DataFrame) -> list[str]:
    """The first 40 people are evaluated; the rest are the training pool."""
    return respondents["respondent_id"].tolist()[:40]


@pytest.fixture(scope="session")
def train_ids(respondents: pd.DataFrame) -> list[str]:
    """Everyone but the evaluation people."""
    return respondents["respondent_id"].tolist()[40:]


@pytest.fixture(scope="session")
def instances(book: Codebook, respondents: pd.DataFrame, evaluation_ids: list[str]) -> list[TaskInstance]:
    """Task instances of the evaluation people at two setups and 200 demonstrations."""
    return synthetic.make_instances(book, respondents, evaluation_ids)

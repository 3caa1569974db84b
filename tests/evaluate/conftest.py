"""Fixtures of the evaluation tests: a catalog folder written from synthetic respondents."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from indievaluecatalog.codebook import Codebook, load_codebook


def _load_synthetic() -> ModuleType:
    path = Path(__file__).resolve().parent / "synthetic_catalog.py"
    spec = importlib.util.spec_from_file_location("synthetic_catalog_evaluate", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def book() -> Codebook:
    """The shipped codebook."""
    return load_codebook()


@pytest.fixture(scope="session")
def catalog_dir(tmp_path_factory: pytest.TempPathFactory, book: Codebook) -> Path:
    """A catalog folder of 300 synthetic people, the first 40 of them evaluation people."""
    synthetic = _load_synthetic()
    respondents = synthetic.make_respondents(book)
    evaluation = respondents["respondent_id"].tolist()[:40]
    return synthetic.write_catalog(tmp_path_factory.mktemp("catalog"), book, respondents, evaluation)

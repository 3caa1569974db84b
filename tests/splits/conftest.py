"""Fixtures of the split tests: the shipped codebook, synthetic respondents and a built catalog folder."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from indievaluecatalog.codebook import Codebook, load_codebook


def _load_synthetic() -> ModuleType:
    path = Path(__file__).with_name("synthetic_catalog.py")
    spec = importlib.util.spec_from_file_location("splits_synthetic_catalog", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def synthetic() -> ModuleType:
    """The synthetic_catalog helper module of this folder."""
    return _load_synthetic()


@pytest.fixture(scope="session")
def codebook() -> Codebook:
    """The shipped codebook."""
    return load_codebook()


@pytest.fixture(scope="session")
def respondents(codebook: Codebook, synthetic: ModuleType) -> pd.DataFrame:
    """A synthetic respondents table of 17 countries on six continents, 40 people each."""
    frame: pd.DataFrame = synthetic.synthetic_respondents(codebook, 40, seed=3)
    return frame


@pytest.fixture(scope="session")
def catalog_dir(
    respondents: pd.DataFrame,
    codebook: Codebook,
    synthetic: ModuleType,
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    """A built catalog folder (respondents, statements, splits, probes, manifest) of ``respondents``."""
    folder: Path = synthetic.write_catalog(
        respondents.copy(), codebook, tmp_path_factory.mktemp("catalog"), seed=7
    )
    return folder

"""Fixtures of the integration tests: the built-in synthetic sample built into a catalog once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from indievaluecatalog.convert import BuildOptions, build_catalog


@pytest.fixture(scope="session")
def builtin_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog folder built from the built-in sample (3,000 synthetic respondents) with the default seed."""
    out = tmp_path_factory.mktemp("builtin") / "catalog"
    return build_catalog(None, BuildOptions(out=out)).out

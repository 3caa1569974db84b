"""Shared synthetic samples for the sample tests, generated once per session."""

from __future__ import annotations

import pytest

from indievaluecatalog.codebook import Codebook, load_codebook
from indievaluecatalog.sample import SyntheticSurvey, generate_sample


@pytest.fixture(scope="session")
def codebook() -> Codebook:
    """The shipped codebook."""
    return load_codebook()


@pytest.fixture(scope="session")
def survey(codebook: Codebook) -> SyntheticSurvey:
    """A 2,000-respondent official v6.0 sample."""
    return generate_sample(respondents=2000, seed=3, codebook=codebook)

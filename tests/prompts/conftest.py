"""Fixtures of the prompt tests: hand-made task instances and a built catalog folder."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from indievaluecatalog.codebook import load_codebook
from indievaluecatalog.splits import Probe, TaskInstance


@pytest.fixture
def instance() -> TaskInstance:
    """A task instance with two demonstrations, one demographic statement and three probes."""
    probes = (
        Probe(
            "Q1",
            "Social",
            "How important is family?",
            ("Family matters.", "Family does not matter."),
            ("Very.", "Rather.", "Not very.", "Not at all."),
            0,
            1,
        ),
        Probe(
            "Q2",
            "Social",
            "How important are friends?",
            ("Friends matter.", "Friends do not matter."),
            ("Very.", "Rather.", "Not very.", "Not at all."),
            1,
            3,
        ),
        Probe(
            "Q46",
            "Happiness",
            "Are you happy?",
            ("I am happy.", "I am not happy."),
            ("Very happy.", "Rather happy.", "Not very happy.", "Not at all happy."),
            0,
            0,
        ),
    )
    return TaskInstance(
        respondent_id="RTEST",
        setup=0,
        demos="50",
        demonstrations_polar=("I trust people.", "I vote."),
        demonstrations_refined=("I trust people completely.", "I always vote."),
        demonstration_questions=("Q57", "Q221"),
        demographics=("I am a woman.",),
        probes=probes,
    )


@pytest.fixture(scope="session")
def catalog_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built catalog folder made by the split tests' synthetic helper."""
    path = Path(__file__).parent.parent / "splits" / "synthetic_catalog.py"
    spec = importlib.util.spec_from_file_location("prompts_synthetic_catalog", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    codebook = load_codebook()
    frame = module.synthetic_respondents(codebook, 20, seed=5)
    folder: Path = module.write_catalog(frame, codebook, tmp_path_factory.mktemp("catalog"), seed=7)
    return folder

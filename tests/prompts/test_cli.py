"""Tests of the `prompts` command on a built catalog folder."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from indievaluecatalog.cli import cli
from indievaluecatalog.splits import evaluation_ids, training_pool_ids


def test_prints_generate_prompt(catalog_dir: Path) -> None:
    """The default format prints the system and user messages with 39 probes."""
    person = evaluation_ids(catalog_dir)[0]
    result = CliRunner().invoke(cli, ["prompts", str(catalog_dir), "--person", person, "--demos", "50"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("[system]\n")
    assert "each of the 39 questions" in result.output


def test_single_by_question_id_json(catalog_dir: Path) -> None:
    """--probe takes a question id; --json prints the prompt record."""
    person = evaluation_ids(catalog_dir)[0]
    args = [
        "prompts",
        str(catalog_dir),
        "--person",
        person,
        "--setup",
        "1",
        "--format",
        "single",
        "--probe",
        "Q5",
    ]
    result = CliRunner().invoke(cli, [*args, "--granularity", "refined", "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["template_id"] == "single/v1"
    assert "Option 1:" in record["user"]


def test_loglik_for_training_person(catalog_dir: Path) -> None:
    """A training-pool person gets a log-likelihood prompt with demographics."""
    person = training_pool_ids(catalog_dir)[0]
    args = [
        "prompts",
        str(catalog_dir),
        "--person",
        person,
        "--format",
        "loglik",
        "--demos",
        "0",
        "--demographics",
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "[prefix]" in result.output
    assert "background" in result.output


def test_bad_probe_rejected(catalog_dir: Path) -> None:
    """A --probe that is neither a probe id nor an index fails with the list of probes."""
    person = evaluation_ids(catalog_dir)[0]
    args = ["prompts", str(catalog_dir), "--person", person, "--format", "single", "--probe", "Q250"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code != 0
    assert "Q1 Q2 Q3" in result.output

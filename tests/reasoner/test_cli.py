"""Tests of `indievaluecatalog reasoner-data` and `train-reasoner` on a catalog built from a synthetic file."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pytest
from click.testing import CliRunner

from indievaluecatalog.cli import cli
from indievaluecatalog.codebook import load_codebook
from indievaluecatalog.convert import BuildOptions, build_catalog
from indievaluecatalog.sample import write_sample
from indievaluecatalog.splits import evaluation_ids, training_pool_ids


@pytest.fixture(scope="module")
def catalog_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog built from a synthetic 400-respondent SPSS file."""
    folder = tmp_path_factory.mktemp("catalog")
    raw = write_sample(folder / "sample.sav", respondents=400, seed=3)
    return Path(build_catalog(raw, BuildOptions(out=folder / "catalog")).out)


def test_reasoner_data_from_catalog(catalog_dir: Path, tmp_path: Path) -> None:
    """reasoner-data writes N examples per question from the training pool only, never an evaluation person."""
    out = tmp_path / "train.jsonl"
    result = CliRunner().invoke(
        cli,
        [
            "reasoner-data",
            "--catalog",
            str(catalog_dir),
            "--out",
            str(out),
            "--people-per-question",
            "2",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    rows = datasets.load_dataset("json", data_files=str(out), split="train")
    n_questions = len(load_codebook().questions)
    assert summary["n_examples"] == len(rows) == 2 * n_questions
    used = set(rows["respondent_id"])
    assert used <= set(training_pool_ids(catalog_dir))
    assert not used & set(evaluation_ids(catalog_dir))
    assert len(evaluation_ids(catalog_dir)) > 0
    assert min(rows["n_demonstrations"]) >= 50
    manifest = json.loads((tmp_path / "train.jsonl.manifest.json").read_text())
    assert manifest["people_per_question"] == 2
    assert manifest["demos"] == "mixed"


def test_reasoner_data_reproducible(catalog_dir: Path, tmp_path: Path) -> None:
    """Two runs with the same seed write byte-identical files; another seed differs."""
    contents = []
    for name, seed in (("a", "7"), ("b", "7"), ("c", "8")):
        out = tmp_path / f"{name}.jsonl"
        arguments = ["reasoner-data", "--catalog", str(catalog_dir), "--out", str(out)]
        result = CliRunner().invoke(
            cli, [*arguments, "--people-per-question", "1", "--demos", "200", "--seed", seed]
        )
        assert result.exit_code == 0, result.output
        contents.append(out.read_bytes())
    assert contents[0] == contents[1]
    assert contents[0] != contents[2]


def test_reasoner_data_missing_catalog(tmp_path: Path) -> None:
    """A folder that is not a built catalog exits with the catalog-not-found code and a hint."""
    from indievaluecatalog.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["reasoner-data", "--catalog", str(tmp_path), "--out", str(tmp_path / "x.jsonl")])
    assert exited.value.code == 11


def test_train_reasoner_unknown_config_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """train-reasoner rejects an unknown config key with the training error's exit code and message."""
    from indievaluecatalog.cli import main

    config = tmp_path / "config.yaml"
    config.write_text("model: m\ntrain_file: t.jsonl\noutput_dir: o\nepochs: 3\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        main(["train-reasoner", "--config", str(config)])
    assert exited.value.code == 12
    assert "Unknown key 'epochs'" in capsys.readouterr().err

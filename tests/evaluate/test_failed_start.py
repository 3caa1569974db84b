"""Runs that fail before scoring leave the run directory free for a corrected command."""

from __future__ import annotations

import json
import logging
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from indievaluecatalog.cli import main
from indievaluecatalog.convert import BuildOptions, build_catalog
from indievaluecatalog.errors import (
    CatalogNotFoundError,
    EvaluationError,
    IndieValueCatalogError,
    SplitError,
)
from indievaluecatalog.evaluate import EvaluationConfig, RunDirectory, resolve_catalog, run_evaluation
from indievaluecatalog.sample import write_sample


def config(catalog: Path, **changes: object) -> EvaluationConfig:
    """A small configuration: 4 people, setup 0, polar only, 20 bootstrap resamples."""
    values: dict[str, object] = {
        "catalog": str(catalog),
        "baseline": "majority",
        "setups": (0,),
        "granularities": ("polar",),
        "limit": 4,
        "bootstrap": 20,
    }
    values.update(changes)
    return EvaluationConfig(**values)  # type: ignore[arg-type]


def _without_probes(catalog: Path) -> None:
    (catalog / "data" / "probes.parquet").unlink()


def _damaged_statements(catalog: Path) -> None:
    (catalog / "data" / "statements.parquet").write_bytes(b"PAR1 damaged")


def _without_respondents(catalog: Path) -> None:
    (catalog / "data" / "respondents.parquet").unlink()


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"baseline": "resemblance", "options": {"kk": 3}}, EvaluationError, "Unknown option 'kk'"),
        (
            {"baseline": "resemblance", "options": {"k": -1}},
            EvaluationError,
            "Invalid value -1 for option 'k'",
        ),
        ({"baseline": "lowrank", "options": {"rank": 0}}, EvaluationError, "option 'rank'"),
        ({"demos": "7"}, SplitError, "7"),
        (
            {"baseline": None, "model": "models/nope", "backend": "hf", "format": "loglik"},
            EvaluationError,
            "Model folder models/nope not found",
        ),
    ],
)
def test_bad_configuration_writes_nothing(
    catalog_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    changes: dict[str, object],
    error: type[IndieValueCatalogError],
    message: str,
) -> None:
    """A configuration rejected before scoring creates no run directory, and the corrected run succeeds."""
    (tmp_path / "models").mkdir()
    monkeypatch.chdir(tmp_path)
    run_dir = tmp_path / "run"
    with pytest.raises(error, match=message):
        run_evaluation(config(catalog_dir, **changes), run_dir)
    assert not run_dir.exists()
    result = run_evaluation(config(catalog_dir, baseline="resemblance", options={"k": 5}), run_dir)
    assert result.results["config"]["options"] == {"k": 5}


@pytest.mark.parametrize(
    ("damage", "error"),
    [
        (_without_probes, CatalogNotFoundError),
        (_damaged_statements, EvaluationError),
        (_without_respondents, CatalogNotFoundError),
    ],
)
def test_broken_catalog_writes_nothing(
    catalog_dir: Path,
    tmp_path: Path,
    damage: Callable[[Path], None],
    error: type[IndieValueCatalogError],
) -> None:
    """A catalog with a missing or damaged table fails before config.json, so the same folder stays usable."""
    broken = tmp_path / "broken"
    shutil.copytree(catalog_dir, broken)
    damage(broken)
    run_dir = tmp_path / "run"
    with pytest.raises(error, match=re.escape(str(broken))):
        run_evaluation(config(broken), run_dir)
    assert not (run_dir / "config.json").exists()
    run_evaluation(config(catalog_dir), run_dir)
    assert (run_dir / "results.json").is_file()


def test_config_without_predictions_reused(catalog_dir: Path, tmp_path: Path) -> None:
    """A run directory with a configuration but no prediction takes a new configuration."""
    run_dir = tmp_path / "run"
    (run_dir / "predictions").mkdir(parents=True)
    (run_dir / "config.json").write_text(json.dumps({"baseline": "resemblance", "options": {"kk": 3}}))
    result = run_evaluation(config(catalog_dir), run_dir)
    assert result.scored_instances == 4
    stored = json.loads((run_dir / "config.json").read_text())
    assert stored["baseline"] == "majority"


def test_config_with_predictions_still_locked(catalog_dir: Path, tmp_path: Path) -> None:
    """Once predictions exist, another configuration is rejected as before."""
    run_dir = tmp_path / "run"
    run_evaluation(config(catalog_dir), run_dir)
    with pytest.raises(EvaluationError, match="baseline: 'majority' -> 'random'"):
        run_evaluation(config(catalog_dir, baseline="random"), run_dir)


def test_config_with_predictions_reports_changes(catalog_dir: Path, tmp_path: Path) -> None:
    """check() names the changed settings of a run that has predictions, and writes nothing."""
    run_dir = tmp_path / "run"
    run_evaluation(config(catalog_dir), run_dir)
    before = (run_dir / "config.json").read_bytes()
    stored = json.loads(before)
    with pytest.raises(EvaluationError, match="seed: 0 -> 9"):
        RunDirectory(run_dir).check({**stored, "seed": 9})
    assert RunDirectory(run_dir).check(stored) is True
    assert (run_dir / "config.json").read_bytes() == before


@pytest.fixture(scope="module")
def empty_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog built from a 300-person derivative export, whose missing probe questions leave nobody eligible."""
    folder = tmp_path_factory.mktemp("derivative")
    raw = write_sample(folder / "derivative.sav", respondents=300, layout="derivative")
    build_catalog(raw, BuildOptions(out=folder / "catalog"))
    return folder / "catalog"


def test_no_evaluation_people_explained(empty_catalog: Path, tmp_path: Path) -> None:
    """A catalog without evaluation people says so, with the eligibility counts and the coverage report."""
    with pytest.raises(EvaluationError) as error_info:
        run_evaluation(config(empty_catalog), tmp_path / "run")
    error = error_info.value
    assert "has no evaluation people" in error.message
    assert "eligible_per_continent): Africa 0, Asia 0" in error.message
    assert "at least 239 valid value answers" in error.message
    assert "--demos" not in str(error)
    assert error.hint is not None
    assert str(empty_catalog / "reports" / "coverage.csv") in error.hint
    assert "derivative exports" in error.hint
    assert not (tmp_path / "run").exists()


def test_no_instances_for_setting(catalog_dir: Path, tmp_path: Path) -> None:
    """A catalog with evaluation people but an empty probes table points at --demos and --setups."""
    broken = tmp_path / "catalog"
    shutil.copytree(catalog_dir, broken)
    manifest = json.loads((broken / "manifest.json").read_text())
    manifest["splits"] = {**manifest["splits"], "evaluation": {"size": 40}, "probes_rows": 10}
    (broken / "manifest.json").write_text(json.dumps(manifest))
    probes = broken / "data" / "probes.parquet"
    import pyarrow.parquet as pq

    table = pq.read_table(probes)
    pq.write_table(table.slice(0, 0), probes)
    with pytest.raises(EvaluationError, match="check --demos and --setups"):
        run_evaluation(config(broken), tmp_path / "run")


def test_cli_no_evaluation_people(
    empty_catalog: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The evaluate command exits 8 without a traceback for a catalog without evaluation people."""
    with pytest.raises(SystemExit) as exit_info:
        main(
            [
                "evaluate",
                "--catalog",
                str(empty_catalog),
                "--baseline",
                "majority",
                "--out",
                str(tmp_path / "r"),
            ]
        )
    assert exit_info.value.code == 8
    err = capsys.readouterr().err
    assert "has no evaluation people" in err
    assert "Traceback" not in err


def test_hub_catalog_without_tag_warns(
    catalog_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """OWNER/NAME without @tag logs a WARNING that main is used and how to pin a release."""
    import huggingface_hub

    monkeypatch.setattr(huggingface_hub, "snapshot_download", lambda **kwargs: str(catalog_dir))
    with caplog.at_level(logging.WARNING, logger="indievaluecatalog.evaluate._catalog"):
        resolve_catalog("someone/catalog")
    assert "has no release tag" in caplog.text
    assert "someone/catalog@vX.Y.Z" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="indievaluecatalog.evaluate._catalog"):
        resolve_catalog("someone/catalog@v1.0.0")
    assert "release tag" not in caplog.text

"""Evaluation runs end to end on a synthetic catalog: results, resume, rejection of a changed configuration."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd
import pytest

from indievaluecatalog.codebook import Granularity
from indievaluecatalog.errors import CatalogNotFoundError, EvaluationError
from indievaluecatalog.evaluate import EvaluationConfig, RunDirectory, resolve_catalog, run_evaluation
from indievaluecatalog.metrics import accuracy
from indievaluecatalog.scoring import Prediction
from indievaluecatalog.splits._records import TaskInstance


def config(catalog: Path, **changes: object) -> EvaluationConfig:
    """A small, fast configuration: 8 people, setups 0 and 1, 50 bootstrap resamples."""
    values: dict[str, object] = {
        "catalog": str(catalog),
        "baseline": "majority",
        "setups": (0, 1),
        "limit": 8,
        "bootstrap": 50,
    }
    values.update(changes)
    return EvaluationConfig(**values)  # type: ignore[arg-type]


class FailingScorer:
    """Always predicts option 0, and raises after ``fail_after`` predictions."""

    name = "failing"

    def __init__(self, fail_after: int | None) -> None:
        self.fail_after = fail_after
        self.calls = 0
        self.instances_seen: list[tuple[str, int, str]] = []

    def predict(self, instances: Sequence[TaskInstance], granularity: Granularity) -> Iterator[Prediction]:
        """Yield option 0 for every probe until the failure point."""
        for instance in instances:
            self.instances_seen.append((instance.respondent_id, instance.setup, granularity))
            for probe in instance.probes:
                if self.fail_after is not None and self.calls >= self.fail_after:
                    raise RuntimeError("scorer crashed")
                self.calls += 1
                yield Prediction(
                    instance.respondent_id,
                    instance.setup,
                    instance.demos,
                    granularity,
                    probe.question_id,
                    0,
                    probe.answer(granularity),
                )


def test_run_writes_results(catalog_dir: Path, tmp_path: Path) -> None:
    """A finished run records configuration, provenance and metrics that match its predictions."""
    result = run_evaluation(config(catalog_dir), tmp_path / "run")
    saved = json.loads((tmp_path / "run" / "results.json").read_text())
    assert saved == json.loads(json.dumps(result.results))
    assert saved["config"]["baseline"] == "majority"
    assert (
        saved["catalog"]["manifest_sha256"]
        == hashlib.sha256((catalog_dir / "manifest.json").read_bytes()).hexdigest()
    )
    assert saved["catalog"]["dataset_version"] == "0.0.0-test"
    assert saved["package"]["version"]
    assert saved["seeds"] == {"scorer": 0, "bootstrap": 0}
    predictions = RunDirectory(tmp_path / "run").read_predictions()
    assert predictions["respondent_id"].nunique() == 8
    assert set(predictions["setup"]) == {0, 1}
    polar = saved["metrics"]["granularities"]["polar"]
    assert polar["accuracy"] == pytest.approx(accuracy(predictions, "polar"))
    assert polar["inequity"]["dimensions"]["continent"]["groups"]
    assert len(saved["metrics"]["overall"]["ci95"]) == 2
    assert list((tmp_path / "run" / "predictions").glob("part-*.parquet"))


def test_interrupted_run_resumes(catalog_dir: Path, tmp_path: Path) -> None:
    """A scorer that raises after k items keeps the finished instances; the rerun scores only the rest."""
    run_dir = tmp_path / "run"
    settings = config(catalog_dir, granularities=("polar",))
    crashing = FailingScorer(fail_after=100)
    with pytest.raises(RuntimeError, match="crashed"):
        run_evaluation(settings, run_dir, scorer=crashing, chunk_instances=64)
    stored = RunDirectory(run_dir).read_predictions()
    first_instances = crashing.instances_seen
    finished = len(stored.groupby(["respondent_id", "setup"]))
    assert finished == len(first_instances) - 1  # every instance before the one in flight
    assert 100 - 39 < len(stored) <= 100  # at most one instance of 39 probes lost

    resumed = FailingScorer(fail_after=None)
    result = run_evaluation(settings, run_dir, scorer=resumed)
    assert result.reused_instances == finished
    assert set(resumed.instances_seen).isdisjoint(first_instances[:-1])
    complete = RunDirectory(run_dir).read_predictions()
    assert len(complete.groupby(["respondent_id", "setup"])) == 16
    assert not complete.duplicated(["respondent_id", "setup", "granularity", "question_id"]).any()


def test_rerun_scores_nothing(catalog_dir: Path, tmp_path: Path) -> None:
    """Rerunning a finished run reuses every prediction; a new bootstrap count only recomputes metrics."""
    run_evaluation(config(catalog_dir), tmp_path / "run")
    scorer = FailingScorer(fail_after=0)
    result = run_evaluation(config(catalog_dir, bootstrap=20), tmp_path / "run", scorer=scorer)
    assert result.scored_instances == 0
    assert result.reused_instances == 32
    assert result.results["metrics"]["bootstrap"]["resamples"] == 20


def test_changed_configuration_rejected(catalog_dir: Path, tmp_path: Path) -> None:
    """A different configuration into the same run directory is rejected, naming the setting."""
    run_evaluation(config(catalog_dir), tmp_path / "run")
    with pytest.raises(EvaluationError, match="baseline: 'majority' -> 'random'"):
        run_evaluation(config(catalog_dir, baseline="random"), tmp_path / "run")
    with pytest.raises(EvaluationError, match="seed"):
        run_evaluation(config(catalog_dir, seed=3), tmp_path / "run")


def test_foreign_folder_rejected(catalog_dir: Path, tmp_path: Path) -> None:
    """A non-empty folder that is not a run directory is not overwritten."""
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "notes.txt").write_text("mine")
    with pytest.raises(EvaluationError, match="not empty"):
        run_evaluation(config(catalog_dir), tmp_path / "run")


def test_resemblance_beats_majority_in_run(catalog_dir: Path, tmp_path: Path) -> None:
    """Through the runner, resemblance is more accurate than the global majority on clustered answers."""
    majority = run_evaluation(config(catalog_dir, limit=20), tmp_path / "majority").results["metrics"]
    resemblance = run_evaluation(
        config(catalog_dir, limit=20, baseline="resemblance", options={"k": 15}), tmp_path / "resemblance"
    ).results["metrics"]
    assert resemblance["overall"]["accuracy"] > majority["overall"]["accuracy"] + 0.1


def test_random_baseline_near_chance(catalog_dir: Path, tmp_path: Path) -> None:
    """The random baseline's accuracy is close to its chance level and chance-adjusted near zero."""
    metrics = run_evaluation(config(catalog_dir, baseline="random", limit=40), tmp_path / "run").results[
        "metrics"
    ]
    refined = metrics["granularities"]["refined"]
    assert abs(refined["accuracy"] - refined["chance"]) < 0.05
    assert abs(refined["chance_adjusted_accuracy"]) < 0.08


def test_invalid_configurations() -> None:
    """A run needs exactly one scorer and a model needs a backend and a format."""
    with pytest.raises(EvaluationError, match="exactly one scorer"):
        EvaluationConfig(catalog="x")
    with pytest.raises(EvaluationError, match="exactly one scorer"):
        EvaluationConfig(catalog="x", baseline="random", model="gpt2")
    with pytest.raises(EvaluationError, match="backend"):
        EvaluationConfig(catalog="x", model="gpt2", format="loglik")
    with pytest.raises(EvaluationError, match="format"):
        EvaluationConfig(catalog="x", model="gpt2", backend="hf")
    with pytest.raises(EvaluationError, match="setups"):
        EvaluationConfig(catalog="x", baseline="random", setups=(3,))
    with pytest.raises(EvaluationError, match="limit"):
        EvaluationConfig(catalog="x", baseline="random", limit=0)


def test_hub_catalog_downloaded(catalog_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """OWNER/NAME@REVISION is downloaded with snapshot_download as a dataset at that revision."""
    import huggingface_hub

    calls: list[dict[str, object]] = []

    def fake_download(**kwargs: object) -> str:
        calls.append(kwargs)
        return str(catalog_dir)

    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake_download)
    info = resolve_catalog("someone/indievaluecatalog@v1.0.0")
    assert calls == [{"repo_id": "someone/indievaluecatalog", "repo_type": "dataset", "revision": "v1.0.0"}]
    assert info.folder == catalog_dir
    assert info.revision == "v1.0.0"
    assert info.codebook_version is not None


def test_hub_download_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    """A failed download is a CatalogNotFoundError naming the dataset and revision."""
    import huggingface_hub

    def failing_download(**kwargs: object) -> str:
        raise OSError("offline")

    monkeypatch.setattr(huggingface_hub, "snapshot_download", failing_download)
    with pytest.raises(CatalogNotFoundError, match="someone/catalog at revision v2"):
        resolve_catalog("someone/catalog@v2")


def test_missing_catalog(tmp_path: Path) -> None:
    """A path that is neither a folder nor a Hub id is rejected."""
    with pytest.raises(CatalogNotFoundError, match="neither a folder"):
        resolve_catalog(str(tmp_path / "nowhere" / "deeper" / "still"))


def test_predictions_schema(catalog_dir: Path, tmp_path: Path) -> None:
    """Stored predictions carry the columns metrics read, with nullable option indices."""
    run_evaluation(config(catalog_dir, limit=2), tmp_path / "run")
    frame = pd.read_parquet(next((tmp_path / "run" / "predictions").glob("part-*.parquet")))
    for column in [
        "respondent_id",
        "setup",
        "demos",
        "granularity",
        "question_id",
        "category",
        "n_options",
        "predicted",
        "gold",
    ]:
        assert column in frame.columns
    assert (frame["n_options"] >= 2).all()

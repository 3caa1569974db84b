"""make_model_scorer: options, errors, and an hf scorer loaded from a local folder with the package's prompts."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from indievaluecatalog.errors import EvaluationError
from indievaluecatalog.evaluate.backends import make_model_scorer
from indievaluecatalog.scoring import Scorer


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory, llama: Any, tokenizer: Any) -> Path:
    """The tiny Llama and its tokenizer saved to a local folder, as a user's checkpoint would be."""
    folder = tmp_path_factory.mktemp("tiny-llama")
    llama.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def test_unknown_backend() -> None:
    """An unknown backend raises EvaluationError listing the backends."""
    with pytest.raises(EvaluationError, match="hf, vllm, openai"):
        make_model_scorer("tgi", "m", "loglik")


def test_unknown_format() -> None:
    """An unknown prompt format raises EvaluationError listing the formats."""
    with pytest.raises(EvaluationError, match="generate, single, loglik"):
        make_model_scorer("hf", "m", "chat")


@pytest.mark.parametrize("backend", ["hf", "vllm"])
@pytest.mark.parametrize("relative", ["models/nope", "./nope", "a/b/c"])
def test_missing_model_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str, relative: str
) -> None:
    """A model path whose folder does not exist is reported as not found, before any library is loaded."""
    (tmp_path / "models").mkdir()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(EvaluationError, match=f"Model folder {relative} not found"):
        make_model_scorer(backend, relative, "loglik")


def test_absolute_missing_model_folder(tmp_path: Path) -> None:
    """An absolute path to a missing folder is reported as not found."""
    with pytest.raises(EvaluationError, match="not found"):
        make_model_scorer("hf", str(tmp_path / "gone"), "loglik")


def test_hub_id_not_taken_for_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """OWNER/NAME without a local OWNER folder passes the folder check and reaches the backend."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(EvaluationError, match="Did you mean 'batch_size'") as error_info:
        make_model_scorer("hf", "someone/model", "loglik", batchsize=4)
    assert "not found" not in str(error_info.value)


def test_unknown_option_suggests_close_name(prompts: Any) -> None:
    """A misspelt option raises EvaluationError with the close match and the accepted names."""
    with pytest.raises(EvaluationError, match="Did you mean 'batch_size'"):
        make_model_scorer("hf", "m", "loglik", prompt_functions=prompts, batchsize=4)


def test_unknown_normalization(prompts: Any) -> None:
    """An unknown normalization raises EvaluationError before any model loads."""
    with pytest.raises(EvaluationError, match="normalization"):
        make_model_scorer("hf", "m", "loglik", prompt_functions=prompts, normalization="token")


def test_missing_local_model(tmp_path: Path) -> None:
    """A folder without a model raises EvaluationError naming the model."""
    with pytest.raises(EvaluationError, match="empty-folder"):
        make_model_scorer("hf", str(tmp_path / "empty-folder"), "loglik", device="cpu")


def test_hf_loglik_scorer_from_folder(model_dir: Path, instance_factory: Any) -> None:
    """An hf loglik scorer loads a local folder, renders with the package's templates and predicts."""
    scorer = make_model_scorer("hf", str(model_dir), "loglik", device="cpu", seed=1, batch_size=8)
    assert isinstance(scorer, Scorer)
    assert scorer.name == f"hf:{model_dir}:loglik"
    instances = instance_factory(2, 30, seed=4)
    predictions = list(scorer.predict(instances, "polar"))

    assert len(predictions) == sum(len(i.probes) for i in instances)
    for prediction in predictions:
        assert prediction.option_logprobs is not None
        assert sum(math.exp(v) for v in prediction.option_logprobs) == pytest.approx(1.0)
    config = scorer.config  # type: ignore[attr-defined]
    assert config["device"] == "cpu"
    assert config["dtype"] == "float32"
    assert config["format"] == "loglik"
    stats = scorer.describe()["stats"]  # type: ignore[attr-defined]
    assert stats["boundary_mismatches"] == 0
    assert stats["sequences"] == sum(len(p.polar_options) for i in instances for p in i.probes)


def test_hf_single_scorer_from_folder(model_dir: Path, instance_factory: Any) -> None:
    """An hf single-probe scorer uses the tokenizer's chat template and counts unparsable answers."""
    scorer = make_model_scorer(
        "hf", str(model_dir), "single", device="cpu", max_retries=1, max_new_tokens=3, instances_per_call=1
    )
    predictions = list(scorer.predict(instance_factory(1, 10, seed=5), "refined"))
    assert len(predictions) == 6
    assert scorer.config["use_chat_template"] is True  # type: ignore[attr-defined]
    assert all(p.attempts in (1, 2) for p in predictions)
    stats = scorer.describe()["stats"]  # type: ignore[attr-defined]
    assert stats["failed_prompts"] == sum(p.parse_failed for p in predictions)
    assert stats["prompts"] == 6


def test_cuda_device_without_gpu(model_dir: Path) -> None:
    """Asking for CUDA on a machine without one raises EvaluationError with a hint."""
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(EvaluationError, match="no CUDA GPU"):
        make_model_scorer("hf", str(model_dir), "loglik", device="cuda")

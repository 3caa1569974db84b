"""Tests of the reasoner's training config: shipped files, typed loading and errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from indievaluecatalog.errors import TrainingError
from indievaluecatalog.reasoner import LoraSettings, load_reasoner_config, shipped_configs


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL = "model: ./model\ntrain_file: train.jsonl\noutput_dir: out\n"


def test_shipped_configs_listed() -> None:
    """The package ships the one-GPU Llama config and the tiny CPU config."""
    assert "llama-3.1-8b" in shipped_configs()
    assert "tiny-cpu" in shipped_configs()


def test_llama_config_realistic() -> None:
    """The Llama config names the instruct model and a LoRA run with gradient checkpointing in bf16."""
    config = load_reasoner_config("llama-3.1-8b")
    assert config.model == "meta-llama/Llama-3.1-8B-Instruct"
    assert config.lora == LoraSettings(r=16, alpha=32, dropout=0.05, target_modules="all-linear")
    assert config.training.gradient_checkpointing is True
    assert config.training.bf16 == "auto"
    assert config.training.learning_rate == pytest.approx(1e-4)
    assert config.max_length == 4096
    assert config.source == "shipped config llama-3.1-8b"


def test_tiny_config_full_finetune_on_cpu() -> None:
    """The tiny CPU config is a short float32 full fine-tune."""
    config = load_reasoner_config("tiny-cpu")
    assert config.lora is None
    assert config.training.bf16 is False
    assert 0 < config.training.max_steps <= 100


def test_config_file_loads_with_defaults(tmp_path: Path) -> None:
    """A file with only the required keys gets the documented defaults."""
    config = load_reasoner_config(write(tmp_path, MINIMAL))
    assert config.model == "./model"
    assert config.lora is None
    assert config.training.save_total_limit == 2
    assert config.source.endswith("config.yaml")


def test_yaml_exponent_string_read_as_float(tmp_path: Path) -> None:
    """A learning rate written as 2e-5 (a string for YAML 1.1) is read as a float."""
    config = load_reasoner_config(write(tmp_path, MINIMAL + "training:\n  learning_rate: 2e-5\n"))
    assert config.training.learning_rate == pytest.approx(2e-5)


def test_overrides_replace_given_values(tmp_path: Path) -> None:
    """Command-line overrides replace only the values that are given."""
    config = load_reasoner_config(write(tmp_path, MINIMAL)).with_overrides(output_dir="elsewhere", model=None)
    assert config.output_dir == "elsewhere"
    assert config.model == "./model"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (MINIMAL + "learning_rate: 0.1\n", "Unknown key 'learning_rate'"),
        (MINIMAL + "training:\n  learnig_rate: 0.1\n", "Did you mean 'training.learning_rate'"),
        (MINIMAL + "lora:\n  rank: 8\n", "Unknown key 'lora.rank'"),
        ("model: ./model\noutput_dir: out\n", "lacks the required key 'train_file'"),
        (MINIMAL + "max_length: long\n", "'max_length' in training config"),
        (MINIMAL + "training:\n  bf16: maybe\n", "'training.bf16'"),
        (MINIMAL + "training:\n  gradient_checkpointing: 1\n", "'training.gradient_checkpointing'"),
        (MINIMAL + "training: [1, 2]\n", "Section 'training'"),
        ("- just\n- a list\n", "must be a YAML mapping"),
        ("model: [unclosed\n", "is not valid YAML"),
    ],
)
def test_bad_config_rejected(tmp_path: Path, text: str, expected: str) -> None:
    """Unknown keys, missing keys, wrong types and broken YAML raise TrainingError naming the problem."""
    with pytest.raises(TrainingError) as raised:
        load_reasoner_config(write(tmp_path, text))
    assert expected in str(raised.value)
    assert "config.yaml" in str(raised.value)


def test_unknown_key_hint_lists_sections(tmp_path: Path) -> None:
    """The hint for an unknown top-level key lists every valid key, the lora and training sections included."""
    with pytest.raises(TrainingError) as raised:
        load_reasoner_config(write(tmp_path, MINIMAL + "epochs: 2\n"))
    hint = raised.value.hint
    assert hint is not None
    assert hint.startswith("allowed keys: ")
    keys = hint.removeprefix("allowed keys: ").split(", ")
    assert {"model", "train_file", "output_dir", "lora", "training"} <= set(keys)
    with pytest.raises(TrainingError, match="Did you mean 'training'"):
        load_reasoner_config(write(tmp_path, MINIMAL + "trainin:\n  bf16: true\n"))


def test_missing_config_names_shipped(tmp_path: Path) -> None:
    """A config that is neither a file nor a shipped name lists the shipped configs."""
    with pytest.raises(TrainingError) as raised:
        load_reasoner_config(tmp_path / "absent.yaml")
    assert "not found" in str(raised.value)
    assert "llama-3.1-8b" in str(raised.value)

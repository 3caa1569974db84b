"""Tests of reasoner training with TRL on a tiny local model: loss masking, checkpoints, resume, saving."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

pytest.importorskip("trl")
pytest.importorskip("peft")

from indievaluecatalog.errors import TrainingError
from indievaluecatalog.reasoner import LoraSettings, ReasonerConfig, TrainingSettings, train_reasoner
from indievaluecatalog.reasoner._train import MANIFEST_NAME, build_trainer, load_chat_dataset

pytestmark = pytest.mark.train

SYSTEM = "You predict which option a person chooses ."


def chat_example(statement: str, answer: int) -> dict[str, object]:
    return {
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"I say : {statement} . Option 1 : yes . Option 2 : no ."},
            {"role": "assistant", "content": f"Option {answer}"},
        ],
        "question_id": "Q1",
    }


@pytest.fixture
def chat_file(tmp_path: Path) -> Path:
    """A JSONL file of 16 chat examples whose answer follows the statement (yes -> Option 1)."""
    path = tmp_path / "train.jsonl"
    rows = [chat_example("yes" if i % 2 == 0 else "no", 1 if i % 2 == 0 else 2) for i in range(16)]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture
def tiny_model(tmp_path: Path, make_tiny_chat_model, chat_file: Path, read_jsonl_texts) -> Path:  # type: ignore[no-untyped-def]
    """A tiny Llama with a word-level tokenizer over the chat file's words."""
    return make_tiny_chat_model(tmp_path / "tiny-model", read_jsonl_texts(chat_file))


def config_for(model: Path, train_file: Path, output_dir: Path, **training: object) -> ReasonerConfig:
    settings = {
        "learning_rate": 3e-3,
        "max_steps": 4,
        "per_device_train_batch_size": 4,
        "logging_steps": 1,
        "save_steps": 2,
        "lr_scheduler_type": "constant",
        "bf16": False,
        **training,
    }
    return ReasonerConfig(
        model=str(model),
        train_file=str(train_file),
        output_dir=str(output_dir),
        max_length=256,
        training=TrainingSettings(**settings),  # type: ignore[arg-type]
    )


def test_labels_mask_all_but_answer(tiny_model: Path, chat_file: Path, tmp_path: Path) -> None:
    """Every label but the answer tokens and the end-of-turn token is -100."""
    trainer = build_trainer(config_for(tiny_model, chat_file, tmp_path / "run"))
    tokenizer = trainer.processing_class
    for row in trainer.train_dataset:
        kept = [token for token, label in zip(row["input_ids"], row["labels"], strict=True) if label != -100]
        assert tokenizer.decode(kept) in {"Option 1 <|end|>", "Option 2 <|end|>"}
        assert len(kept) < len(row["input_ids"])


def test_chat_dataset_splits_answer(chat_file: Path) -> None:
    """The last message becomes the completion and the others the prompt; other columns are dropped."""
    dataset = load_chat_dataset(str(chat_file))
    assert dataset.column_names == ["prompt", "completion"]
    assert [message["role"] for message in dataset[0]["prompt"]] == ["system", "user"]
    assert dataset[0]["completion"] == [{"role": "assistant", "content": "Option 1"}]


def test_chat_dataset_without_answer_rejected(tmp_path: Path) -> None:
    """A training file whose examples do not end with an assistant message is rejected."""
    path = tmp_path / "bad.jsonl"
    row = chat_example("yes", 1)
    row["messages"] = row["messages"][:2]  # type: ignore[index]
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(TrainingError, match="must end with an assistant message"):
        load_chat_dataset(str(path))


def test_chat_dataset_without_messages_rejected(tmp_path: Path) -> None:
    """A training file without a messages column is rejected."""
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"text": "hello"}) + "\n", encoding="utf-8")
    with pytest.raises(TrainingError, match="no 'messages' column"):
        load_chat_dataset(str(path))


def test_training_saves_checkpoints_and_model(tiny_model: Path, chat_file: Path, tmp_path: Path) -> None:
    """Training writes checkpoints, the final model, its tokenizer and a manifest; resume continues."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    output_dir = tmp_path / "run"
    result = train_reasoner(config_for(tiny_model, chat_file, output_dir))
    assert result.global_step == 4
    assert len(result.losses) == 4
    assert (output_dir / "checkpoint-2").is_dir()
    assert (output_dir / "checkpoint-4").is_dir()
    assert (output_dir / "config.json").is_file()
    assert AutoTokenizer.from_pretrained(output_dir).chat_template is not None
    assert AutoModelForCausalLM.from_pretrained(output_dir).config.use_cache is True
    manifest = json.loads((output_dir / MANIFEST_NAME).read_text())
    assert manifest["global_step"] == 4
    assert manifest["config"]["model"] == str(tiny_model)

    with pytest.raises(TrainingError, match="already contains the checkpoint checkpoint-4"):
        train_reasoner(config_for(tiny_model, chat_file, output_dir))

    resumed = train_reasoner(config_for(tiny_model, chat_file, output_dir, max_steps=6), resume=True)
    assert resumed.resumed_from is not None
    assert Path(resumed.resumed_from).name == "checkpoint-4"
    assert resumed.global_step == 6
    assert (output_dir / "checkpoint-6").is_dir()


def test_resume_without_checkpoint_rejected(tiny_model: Path, chat_file: Path, tmp_path: Path) -> None:
    """Resuming a run whose output folder contains no checkpoint raises TrainingError."""
    with pytest.raises(TrainingError, match="contains no checkpoint"):
        train_reasoner(config_for(tiny_model, chat_file, tmp_path / "fresh"), resume=True)


def test_lora_merged_on_save(tiny_model: Path, chat_file: Path, tmp_path: Path) -> None:
    """A LoRA run saves a plain model with the adapter merged, which loads without peft."""
    from transformers import AutoModelForCausalLM

    config = dataclasses.replace(
        config_for(tiny_model, chat_file, tmp_path / "lora", max_steps=2),
        lora=LoraSettings(r=4, alpha=8, dropout=0.0),
    )
    train_reasoner(config)
    assert not (tmp_path / "lora" / "adapter_config.json").exists()
    merged = AutoModelForCausalLM.from_pretrained(tmp_path / "lora")
    original = AutoModelForCausalLM.from_pretrained(tiny_model)
    changed = [
        name
        for (name, weight), (_, before) in zip(
            merged.state_dict().items(), original.state_dict().items(), strict=True
        )
        if not weight.equal(before)
    ]
    assert any("q_proj" in name for name in changed)
    assert not any("lora" in name for name in merged.state_dict())


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"train_file": "absent.jsonl"}, "train_file absent.jsonl"),
        ({"eval_file": "absent-eval.jsonl"}, "eval_file absent-eval.jsonl"),
        ({"model": "./no-such-model"}, "has no config.json"),
    ],
)
def test_missing_inputs_rejected(
    tiny_model: Path, chat_file: Path, tmp_path: Path, change: dict[str, str], expected: str
) -> None:
    """A missing training file, evaluation file or local model folder raises TrainingError naming it."""
    config = dataclasses.replace(config_for(tiny_model, chat_file, tmp_path / "run"), **change)
    with pytest.raises(TrainingError, match=expected):
        train_reasoner(config)


def test_unknown_sft_argument_rejected(tiny_model: Path, chat_file: Path, tmp_path: Path) -> None:
    """An extra SFTConfig argument that TRL does not know raises TrainingError naming it."""
    config = config_for(tiny_model, chat_file, tmp_path / "run", extra={"learnig_rate": 1.0})
    with pytest.raises(TrainingError, match="learnig_rate"):
        build_trainer(config)


def test_overlong_examples_dropped_with_warning(
    tiny_model: Path, chat_file: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Examples longer than max_length are dropped and counted, so no answer is silently cut off."""
    rows = [json.loads(line) for line in chat_file.read_text(encoding="utf-8").splitlines()]
    long_row = chat_example(" ".join(["yes"] * 80), 1)
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text("".join(json.dumps(row) + "\n" for row in [*rows, long_row]), encoding="utf-8")
    config = dataclasses.replace(config_for(tiny_model, mixed, tmp_path / "run"), max_length=60)
    with caplog.at_level("WARNING", logger="indievaluecatalog.reasoner._train"):
        trainer = build_trainer(config)
    assert len(trainer.train_dataset) == len(rows)
    assert "Dropped 1 of 17 examples" in caplog.text


def test_all_examples_overlong_rejected(tiny_model: Path, chat_file: Path, tmp_path: Path) -> None:
    """A max_length shorter than every example is rejected with a hint."""
    config = dataclasses.replace(config_for(tiny_model, chat_file, tmp_path / "run"), max_length=5)
    with pytest.raises(TrainingError, match="longer than max_length = 5 tokens"):
        build_trainer(config)

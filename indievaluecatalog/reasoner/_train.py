"""Fine-tuning of the reasoner with TRL's SFTTrainer, on one GPU, several (accelerate) or the CPU.

The training file contains chat examples (``messages``: system, user, assistant). They become TRL
prompt-completion examples, so the loss covers only the assistant's answer ("Option k" and the chat template's
end-of-turn token). When training ends, the output folder holds the model with any LoRA adapter merged into its
weights, and the tokenizer with its chat template, ready for ``indievaluecatalog evaluate``.

Several GPUs (data parallel)::

    accelerate launch --num_processes 4 -m indievaluecatalog.reasoner.train --config llama-3.1-8b
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import importlib
import json
import logging
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indievaluecatalog._version import __version__
from indievaluecatalog.errors import IndieValueCatalogError, MissingExtraError, TrainingError
from indievaluecatalog.reasoner._config import ReasonerConfig, load_reasoner_config

logger = logging.getLogger(__name__)

MANIFEST_NAME = "reasoner_manifest.json"


@dataclass(frozen=True)
class TrainingResult:
    """Outcome of a finished training run."""

    output_dir: Path
    """Folder of the merged model and tokenizer (and the checkpoints)."""
    global_step: int
    losses: tuple[float, ...]
    """Training loss at every logging step, in order."""
    resumed_from: str | None
    """Checkpoint folder the run continued from, or None."""


def _require(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise MissingExtraError(module.split(".")[0], "train") from error


def check_inputs(config: ReasonerConfig) -> None:
    """Raise TrainingError when a file or folder that ``config`` names does not exist."""
    for key in ("train_file", "eval_file"):
        value = getattr(config, key)
        if value is not None and not Path(value).is_file():
            raise TrainingError(
                f"The {key} {value} of training config {config.source} does not exist.",
                hint="write it with: indievaluecatalog reasoner-data --catalog DIR --out FILE",
            )
    model = config.model
    looks_local = model.startswith(("/", ".", "~")) or Path(model).exists()
    if looks_local and not (Path(model).expanduser() / "config.json").is_file():
        raise TrainingError(
            f"The model folder {model} of training config {config.source} has no config.json.",
            hint="point 'model' at a folder written by save_pretrained, or at a Hugging Face model id",
        )


def load_chat_dataset(path: str) -> Any:
    """Load a JSONL file of ``messages`` examples as a TRL prompt-completion dataset.

    The last message of each example (the assistant's answer) becomes the completion and the others the prompt,
    so TRL computes the loss on the answer only.
    """
    datasets = _require("datasets")
    dataset = datasets.load_dataset("json", data_files=path, split="train")
    if "messages" not in dataset.column_names:
        raise TrainingError(
            f"The training file {path} has no 'messages' column (columns: {', '.join(dataset.column_names)}).",
            hint="write it with: indievaluecatalog reasoner-data --catalog DIR --out FILE",
        )
    last_roles = set(dataset.map(lambda row: {"role": row["messages"][-1]["role"]})["role"])
    if last_roles != {"assistant"}:
        raise TrainingError(
            f"Every example of {path} must end with an assistant message; found last roles {sorted(last_roles)}.",
            hint="each example needs the answer as its last message with role 'assistant'",
        )
    return dataset.map(
        lambda row: {"prompt": row["messages"][:-1], "completion": row["messages"][-1:]},
        remove_columns=dataset.column_names,
    )


def drop_overlong_examples(dataset: Any, tokenizer: Any, max_length: int, path: str) -> Any:
    """Return ``dataset`` without the examples whose chat text is longer than ``max_length`` tokens.

    Truncation would cut off the answer, the only part the loss sees, so such examples are dropped with a
    warning that counts them. Raises TrainingError when no example fits.
    """

    def length(row: dict[str, Any]) -> dict[str, int]:
        text = tokenizer.apply_chat_template(row["prompt"] + row["completion"], tokenize=False)
        return {"_length": len(tokenizer(text, add_special_tokens=False)["input_ids"])}

    measured = dataset.map(length)
    kept = measured.filter(lambda row: row["_length"] <= max_length).remove_columns("_length")
    dropped = len(measured) - len(kept)
    if dropped == len(measured):
        raise TrainingError(
            f"All {dropped} examples of {path} are longer than max_length = {max_length} tokens.",
            hint="raise max_length in the config, or write examples with fewer demonstrations",
        )
    if dropped:
        logger.warning(
            "Dropped %d of %d examples of %s: longer than max_length = %d tokens, so their answer would be cut off",
            dropped,
            len(measured),
            path,
            max_length,
        )
    return kept


def _use_bf16(config: ReasonerConfig, torch: Any) -> bool:
    setting = config.training.bf16
    if setting == "auto":
        return bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())
    return bool(setting)


def build_trainer(config: ReasonerConfig) -> Any:
    """Load the model, tokenizer and data of ``config`` and return a ready TRL ``SFTTrainer``."""
    torch = _require("torch")
    transformers = _require("transformers")
    trl = _require("trl")
    check_inputs(config)

    tokenizer = transformers.AutoTokenizer.from_pretrained(config.model)
    if tokenizer.chat_template is None:
        raise TrainingError(
            f"The tokenizer of {config.model} has no chat template, which the chat examples need.",
            hint="train an instruction-tuned model (e.g. meta-llama/Llama-3.1-8B-Instruct) or add a chat template",
        )
    bf16 = _use_bf16(config, torch)
    model = transformers.AutoModelForCausalLM.from_pretrained(
        config.model, dtype=torch.bfloat16 if bf16 else torch.float32
    )
    peft_config = None
    if config.lora is not None:
        peft = _require("peft")
        peft_config = peft.LoraConfig(
            r=config.lora.r,
            lora_alpha=config.lora.alpha,
            lora_dropout=config.lora.dropout,
            target_modules=config.lora.target_modules,
            task_type="CAUSAL_LM",
        )

    training = config.training
    known = {f.name for f in dataclasses.fields(trl.SFTConfig)}
    unknown = sorted(set(training.extra) - known)
    if unknown:
        raise TrainingError(
            f"training.extra in {config.source} names '{unknown[0]}', which is not an SFTConfig argument "
            f"of TRL {trl.__version__}.",
            hint="see the SFTConfig documentation of the installed TRL for valid names",
        )
    arguments = {
        "output_dir": config.output_dir,
        "max_length": config.max_length,
        "completion_only_loss": True,
        "seed": config.seed,
        "bf16": bf16,
        "learning_rate": training.learning_rate,
        "num_train_epochs": training.num_train_epochs,
        "max_steps": training.max_steps,
        "per_device_train_batch_size": training.per_device_train_batch_size,
        "gradient_accumulation_steps": training.gradient_accumulation_steps,
        # transformers 5 renamed gradient_checkpointing to activation_checkpointing, and 4.x accepts only the old name.
        _checkpointing_argument(known): training.gradient_checkpointing,
        "warmup_steps": training.warmup_steps,
        "lr_scheduler_type": training.lr_scheduler_type,
        "weight_decay": training.weight_decay,
        "logging_steps": training.logging_steps,
        "save_steps": training.save_steps,
        "save_total_limit": training.save_total_limit,
        "dataset_num_proc": training.dataset_num_proc,
        "report_to": "none",
        **training.extra,
    }
    eval_dataset = None
    if config.eval_file is not None:
        eval_dataset = drop_overlong_examples(
            load_chat_dataset(config.eval_file), tokenizer, config.max_length, config.eval_file
        )
        arguments.setdefault("eval_strategy", "steps")
        arguments.setdefault("eval_steps", training.save_steps)
    return trl.SFTTrainer(
        model=model,
        args=trl.SFTConfig(**arguments),
        train_dataset=drop_overlong_examples(
            load_chat_dataset(config.train_file), tokenizer, config.max_length, config.train_file
        ),
        eval_dataset=eval_dataset,
        processing_class=tokenizer,
        peft_config=peft_config,
    )


def _checkpointing_argument(sft_fields: set[str]) -> str:
    return (
        "activation_checkpointing" if "activation_checkpointing" in sft_fields else "gradient_checkpointing"
    )


def train_reasoner(config: ReasonerConfig, *, resume: bool = False) -> TrainingResult:
    """Fine-tune the model of ``config`` on its training file and save the merged model and tokenizer.

    With ``resume``, training continues from the last checkpoint in ``output_dir``. Without it, an
    ``output_dir`` that already contains checkpoints is rejected so that a run is never overwritten by accident.
    """
    transformers_utils = _require("transformers.trainer_utils")
    output_dir = Path(config.output_dir)
    last_checkpoint = transformers_utils.get_last_checkpoint(str(output_dir)) if output_dir.is_dir() else None
    if resume and last_checkpoint is None:
        raise TrainingError(
            f"Cannot resume: {output_dir} contains no checkpoint-* folder.",
            hint="run without --resume to start a new run",
        )
    if not resume and last_checkpoint is not None:
        raise TrainingError(
            f"{output_dir} already contains the checkpoint {Path(last_checkpoint).name} of an earlier run.",
            hint="pass --resume to continue that run, or set another output_dir",
        )

    trainer = build_trainer(config)
    logger.info(
        "Training %s on %d examples (LoRA: %s, bf16: %s)%s",
        config.model,
        len(trainer.train_dataset),
        "yes" if config.lora is not None else "no",
        trainer.args.bf16,
        f", resuming from {last_checkpoint}" if resume else "",
    )
    trainer.train(resume_from_checkpoint=last_checkpoint if resume else None)
    _save_final_model(trainer, config)

    losses = tuple(float(entry["loss"]) for entry in trainer.state.log_history if "loss" in entry)
    result = TrainingResult(output_dir, int(trainer.state.global_step), losses, last_checkpoint)
    if trainer.accelerator.is_main_process:
        _write_manifest(config, result)
    logger.info("Saved the trained reasoner to %s after %d steps", output_dir, result.global_step)
    return result


def _save_final_model(trainer: Any, config: ReasonerConfig) -> None:
    """Write the model (LoRA merged into its weights) and tokenizer to ``output_dir`` on the main process."""
    if trainer.accelerator.is_main_process:
        model = trainer.accelerator.unwrap_model(trainer.model)
        if config.lora is not None:
            model = model.merge_and_unload()
        # Gradient checkpointing turns the key-value cache off during training; generation needs it back.
        model.config.use_cache = True
        model.save_pretrained(config.output_dir)
        trainer.processing_class.save_pretrained(config.output_dir)
    trainer.accelerator.wait_for_everyone()


def _write_manifest(config: ReasonerConfig, result: TrainingResult) -> None:
    versions = {}
    for package in ("torch", "transformers", "trl", "peft", "accelerate"):
        try:
            versions[package] = str(importlib.import_module(package).__version__)
        except ImportError:
            versions[package] = "not installed"
    train_file = Path(config.train_file)
    data_manifest = train_file.with_name(train_file.name + ".manifest.json")
    manifest = {
        "indievaluecatalog_version": __version__,
        "python": platform.python_version(),
        "packages": versions,
        "config": dataclasses.asdict(config),
        "train_file_sha256": hashlib.sha256(train_file.read_bytes()).hexdigest(),
        "train_data_manifest": json.loads(data_manifest.read_text("utf-8"))
        if data_manifest.is_file()
        else None,
        "global_step": result.global_step,
        "losses": list(result.losses),
        "resumed_from": result.resumed_from,
        "lora_merged": config.lora is not None,
    }
    path = Path(config.output_dir) / MANIFEST_NAME
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run one training from the command line (the entry point for ``accelerate launch -m``)."""
    parser = argparse.ArgumentParser(
        prog="python -m indievaluecatalog.reasoner.train", description="Fine-tune the reasoner."
    )
    parser.add_argument("--config", required=True, help="YAML config file or shipped config name")
    parser.add_argument(
        "--resume", action="store_true", help="continue from the last checkpoint in output_dir"
    )
    parser.add_argument("--model", help="override the config's model (Hugging Face id or local folder)")
    parser.add_argument("--train-file", help="override the config's training JSONL file")
    parser.add_argument("--output-dir", help="override the config's output folder")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        config = load_reasoner_config(arguments.config).with_overrides(
            model=arguments.model, train_file=arguments.train_file, output_dir=arguments.output_dir
        )
        train_reasoner(config, resume=arguments.resume)
    except IndieValueCatalogError as error:
        logger.error("%s", error)
        return error.exit_code
    return 0

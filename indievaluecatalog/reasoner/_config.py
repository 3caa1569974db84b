"""The training configuration of the reasoner: a YAML file loaded into frozen typed records.

Unknown keys, wrong types and missing files are rejected with a TrainingError that names the key and the file,
so a typo never trains silently with a default. Shipped configs are found by name inside the package, so they
work from an installed wheel as well as from a checkout.
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib.resources
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar, get_type_hints

import yaml

from indievaluecatalog.errors import TrainingError

BF16Setting = Literal["auto", True, False]

_SHIPPED_FOLDER = "configs"
"""Folder of shipped configs inside ``indievaluecatalog.reasoner``; the wheel carries it with the code."""


@dataclass(frozen=True)
class LoraSettings:
    """LoRA adapter settings (peft ``LoraConfig``); the adapter is merged into the model when training ends."""

    r: int = 16
    alpha: int = 32
    dropout: float = 0.05
    target_modules: str | list[str] = "all-linear"
    """Module names to adapt, or ``all-linear`` for every linear layer but the output head."""


@dataclass(frozen=True)
class TrainingSettings:
    """Optimization settings, passed to TRL's ``SFTConfig`` under the same names."""

    learning_rate: float = 2e-5
    num_train_epochs: float = 1.0
    max_steps: int = -1
    """Stop after this many optimizer steps; -1 trains for ``num_train_epochs``."""
    per_device_train_batch_size: int = 1
    gradient_accumulation_steps: int = 1
    gradient_checkpointing: bool = False
    warmup_steps: float = 0.0
    """Linear warmup: an integer number of steps, or a float in [0, 1) for a ratio of all steps."""
    lr_scheduler_type: str = "cosine"
    weight_decay: float = 0.0
    logging_steps: int = 10
    save_steps: int = 500
    """Write a checkpoint every this many optimizer steps (``--resume`` continues from the last one)."""
    save_total_limit: int | None = 2
    """Checkpoints to keep; older ones are deleted. None keeps all."""
    bf16: BF16Setting = "auto"
    """bfloat16 mixed precision: ``auto`` turns it on when a GPU with bf16 support is present."""
    dataset_num_proc: int | None = None
    """Processes for tokenizing the training file; None tokenizes in the main process."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Further ``SFTConfig`` arguments by name (checked against the installed TRL when training starts)."""


@dataclass(frozen=True)
class ReasonerConfig:
    """One training run of the reasoner."""

    model: str
    """Hugging Face model id or local model folder to fine-tune."""
    train_file: str
    """JSONL file of chat examples written by ``indievaluecatalog reasoner-data``."""
    output_dir: str
    """Folder for checkpoints and, when training ends, the merged model and its tokenizer."""
    eval_file: str | None = None
    """Optional JSONL file of held-out chat examples, evaluated every ``save_steps``."""
    max_length: int = 4096
    """Tokens per example; longer examples are cut at the end and dropped when no answer token remains."""
    seed: int = 0
    lora: LoraSettings | None = None
    """LoRA settings, or None (omitted in the file) for a full fine-tune."""
    training: TrainingSettings = field(default_factory=TrainingSettings)
    source: str = field(default="", compare=False)
    """File the configuration was loaded from."""

    def with_overrides(self, **overrides: Any) -> ReasonerConfig:
        """Return a copy with the non-None ``overrides`` applied (for command-line options)."""
        changes = {key: value for key, value in overrides.items() if value is not None}
        return dataclasses.replace(self, **changes)


def shipped_configs() -> list[str]:
    """Return the names of the configs that ship with the package, e.g. ``llama-3.1-8b``."""
    folder = importlib.resources.files("indievaluecatalog.reasoner") / _SHIPPED_FOLDER
    return sorted(
        entry.name.removesuffix(".yaml") for entry in folder.iterdir() if entry.name.endswith(".yaml")
    )


def load_reasoner_config(path_or_name: str | Path) -> ReasonerConfig:
    """Load a training config from a YAML file, or a shipped config by name (``llama-3.1-8b``, ``tiny-cpu``).

    Relative paths inside the file are kept as written and resolve against the working directory.
    """
    text, source = _read_config_text(path_or_name)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise TrainingError(
            f"Training config {source} is not valid YAML: {error}",
            hint="fix the YAML syntax at the line shown",
        ) from error
    if not isinstance(raw, dict):
        raise TrainingError(
            f"Training config {source} must be a YAML mapping of keys to values, not {type(raw).__name__}.",
            hint="start from a shipped config: indievaluecatalog train-reasoner --config tiny-cpu",
        )
    raw = dict(raw)
    lora = raw.pop("lora", None)
    training = raw.pop("training", None)
    config = _build(ReasonerConfig, raw, source, section="")
    return dataclasses.replace(
        config,
        lora=None if lora is None else _build(LoraSettings, _mapping(lora, source, "lora"), source, "lora."),
        training=_build(TrainingSettings, _mapping(training or {}, source, "training"), source, "training."),
        source=source,
    )


def _read_config_text(path_or_name: str | Path) -> tuple[str, str]:
    path = Path(path_or_name)
    if path.is_file():
        return path.read_text(encoding="utf-8"), str(path)
    name = str(path_or_name)
    if name in shipped_configs():
        resource = importlib.resources.files("indievaluecatalog.reasoner") / _SHIPPED_FOLDER / f"{name}.yaml"
        return resource.read_text(encoding="utf-8"), f"shipped config {name}"
    raise TrainingError(
        f"Training config {name} not found: it is neither a file nor a shipped config.",
        hint=f"pass a YAML file path or one of the shipped configs: {', '.join(shipped_configs())}",
    )


def _mapping(value: Any, source: str, section: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TrainingError(
            f"Section '{section}' of training config {source} must be a mapping, not {type(value).__name__}.",
            hint=f"write '{section}:' followed by indented 'key: value' lines",
        )
    return dict(value)


_Record = TypeVar("_Record")


def _build(record: type[_Record], values: dict[str, Any], source: str, section: str) -> _Record:
    """Create ``record`` from ``values``, rejecting unknown keys, missing required keys and wrong types."""
    fields = {f.name: f for f in dataclasses.fields(record) if f.name not in {"source", "lora", "training"}}  # type: ignore[arg-type]
    unknown = sorted(set(values) - set(fields))
    if unknown:
        key = unknown[0]
        # The sections lora and training are read before this call, so they are valid keys here as well.
        sections = [f.name for f in dataclasses.fields(record) if f.name in {"lora", "training"}]  # type: ignore[arg-type]
        allowed = [*fields, *sections]
        close = difflib.get_close_matches(key, allowed, n=1)
        suggestion = f" Did you mean '{section}{close[0]}'?" if close else ""
        raise TrainingError(
            f"Unknown key '{section}{key}' in training config {source}.{suggestion}",
            hint=f"allowed keys{' in ' + section.rstrip('.') if section else ''}: {', '.join(allowed)}",
        )
    missing = [
        name
        for name, f in fields.items()
        if name not in values
        and f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING  # type: ignore[misc]
    ]
    if missing:
        raise TrainingError(
            f"Training config {source} lacks the required key '{section}{missing[0]}'.",
            hint=f"add '{missing[0]}: ...' to the file (required keys: {', '.join(missing)})",
        )
    hints = get_type_hints(record)
    for name, value in list(values.items()):
        value = values[name] = _coerce_number(value, hints[name])
        if not _matches(value, hints[name]):
            raise TrainingError(
                f"Key '{section}{name}' in training config {source} has the invalid value {value!r}.",
                hint=f"give a value of type {_describe(hints[name])}",
            )
    return record(**values)


def _coerce_number(value: Any, annotation: Any) -> Any:
    """Read a string such as ``2e-5`` as a float where a float is expected: YAML 1.1 loads it as a string."""
    accepts_float = annotation is float or float in getattr(annotation, "__args__", ())
    if accepts_float and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _matches(value: Any, annotation: Any) -> bool:
    """Check a YAML value against a field's annotation (the few types that configs use)."""
    if annotation is Any:
        return True
    origin = getattr(annotation, "__origin__", None)
    arguments: tuple[Any, ...] = getattr(annotation, "__args__", ())
    if origin is Literal:
        return any(
            value is option or (value == option and type(value) is type(option)) for option in arguments
        )
    if origin is list:
        return isinstance(value, list) and all(_matches(item, arguments[0]) for item in value)
    if origin is Mapping or origin is dict:
        return isinstance(value, dict) and all(isinstance(key, str) for key in value)
    if arguments:  # a union such as ``int | None`` or ``str | list[str]``
        return any(_matches(value, argument) for argument in arguments)
    if annotation is type(None):
        return value is None
    if annotation is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, annotation)


def _describe(annotation: Any) -> str:
    return str(annotation).replace("typing.", "")

"""The ``hf`` backend: transformers causal models on a GPU (bf16) or the CPU (float32).

torch and transformers are imported when a model is loaded, so importing this module needs neither.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indievaluecatalog.errors import EvaluationError
from indievaluecatalog.evaluate.backends._batching import AdaptiveBatcher, length_sorted_order
from indievaluecatalog.evaluate.backends._extras import require
from indievaluecatalog.evaluate.backends._formats import PromptFormat, PromptFunctions
from indievaluecatalog.evaluate.backends._generation import GenerateScorer, RetryPolicy, SingleScorer
from indievaluecatalog.evaluate.backends._hf_loglik import HFLoglikEngine
from indievaluecatalog.evaluate.backends._loglik import LoglikScorer, Normalization
from indievaluecatalog.evaluate.backends._tokenize import chat_text, resolve_chat_template
from indievaluecatalog.prompts._records import ChatPrompt

logger = logging.getLogger(__name__)

HF_OPTIONS = (
    "device",
    "device_map",
    "dtype",
    "batch_size",
    "use_chat_template",
    "deterministic",
    "share_prefix",
)


@dataclass(frozen=True)
class LoadedModel:
    """A causal model and its tokenizer, ready for inference."""

    model: Any
    tokenizer: Any
    name: str
    device: str
    dtype: str


def resolve_device(device: str) -> str:
    """Return ``device``, with ``auto`` meaning the first CUDA GPU when one is visible, else the CPU."""
    torch = require("torch", "eval")
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise EvaluationError(
            f"Device {device!r} was requested but torch sees no CUDA GPU.",
            hint="use --device cpu, or install a CUDA build of torch on a machine with a GPU",
        )
    return device


def resolve_dtype(dtype: str, device: str) -> Any:
    """Return the torch dtype: ``auto`` is bfloat16 on a GPU and float32 on the CPU."""
    torch = require("torch", "eval")
    if dtype == "auto":
        return torch.float32 if device == "cpu" else torch.bfloat16
    names = {"bfloat16": torch.bfloat16, "float16": torch.float16, "float32": torch.float32}
    if dtype not in names:
        raise EvaluationError(f"Unknown dtype {dtype!r}.", hint=f"use auto or one of: {', '.join(names)}")
    return names[dtype]


def set_determinism(seed: int, device: str) -> None:
    """Seed torch and switch it to deterministic algorithms where they exist (a process-wide setting).

    cuBLAS needs CUBLAS_WORKSPACE_CONFIG before its first use to be deterministic, so it is set here when
    unset. Operations without a deterministic implementation only warn (``warn_only=True``).
    """
    torch = require("torch", "eval")
    if device.startswith("cuda"):
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


def load_hf_model(
    model: str, *, device: str = "auto", device_map: str | None = None, dtype: str = "auto"
) -> LoadedModel:
    """Load a causal language model and its tokenizer from a local folder or the local Hub cache.

    ``device_map`` (e.g. ``auto``) spreads a model over every visible GPU through accelerate and then
    ``device`` is ignored.
    """
    transformers = require("transformers", "eval")
    resolved = resolve_device(device) if device_map is None else "auto"
    torch_dtype = resolve_dtype(dtype, "cpu" if resolved == "cpu" else "cuda")
    dtype_keyword = "dtype" if _transformers_at_least(transformers.__version__, (4, 56)) else "torch_dtype"
    kwargs: dict[str, Any] = {dtype_keyword: torch_dtype}
    if device_map is not None:
        kwargs["device_map"] = device_map
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(model)
        causal_model = transformers.AutoModelForCausalLM.from_pretrained(model, **kwargs)
    except OSError as error:
        where = "folder" if Path(model).exists() else "model id"
        raise EvaluationError(
            f"Cannot load the model {model!r} ({where}) with transformers: {error}",
            hint="pass a local folder with config.json, tokenizer files and weights, or a model id already in "
            "the Hugging Face cache",
        ) from error
    if device_map is None:
        causal_model = causal_model.to(resolved)
    causal_model.eval()
    logger.info("loaded model %s on %s as %s", model, resolved, str(torch_dtype).removeprefix("torch."))
    return LoadedModel(causal_model, tokenizer, model, resolved, str(torch_dtype).removeprefix("torch."))


def _transformers_at_least(version: str, minimum: tuple[int, int]) -> bool:
    parts = version.split(".")
    try:
        return (int(parts[0]), int(parts[1])) >= minimum
    except (ValueError, IndexError):
        return True


class HFGenerator:
    """Completes chat prompts with ``model.generate``: greedy at temperature 0, seeded sampling above it."""

    def __init__(
        self, loaded: LoadedModel, *, batch_size: int = 8, use_chat_template: bool | str = "auto"
    ) -> None:
        self.loaded = loaded
        self.use_chat_template = resolve_chat_template(loaded.tokenizer, use_chat_template, loaded.name)
        self.batcher = AdaptiveBatcher(batch_size, model=loaded.name)
        self._torch = require("torch", "eval")
        self._transformers = require("transformers", "eval")
        tokenizer = loaded.tokenizer
        self._eos_id = loaded.model.generation_config.eos_token_id or tokenizer.eos_token_id
        pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        self._pad_id = pad_id if pad_id is not None else 0

    def generate(
        self, prompts: Sequence[ChatPrompt], *, temperature: float, seed: int, max_new_tokens: int
    ) -> list[str]:
        """Return one completion text per prompt, in prompt order."""
        tokenizer = self.loaded.tokenizer
        texts = [chat_text(tokenizer, prompt, self.use_chat_template) for prompt in prompts]
        lengths = [len(ids) for ids in tokenizer(texts, add_special_tokens=False)["input_ids"]]
        order = length_sorted_order(lengths)
        config = self._generation_config(temperature, max_new_tokens)

        def run(batch: Sequence[str]) -> list[str]:
            return self._generate_batch(batch, config, temperature, seed)

        completions = self.batcher.map([texts[i] for i in order], run)
        result = [""] * len(texts)
        for position, index in enumerate(order):
            result[index] = completions[position]
        return result

    def _generation_config(self, temperature: float, max_new_tokens: int) -> Any:
        # An explicit config replaces the model's own defaults (e.g. top_p 0.9), so sampling is plain
        # temperature sampling over the whole vocabulary.
        settings: dict[str, Any] = {
            "max_new_tokens": max_new_tokens,
            "pad_token_id": self._pad_id,
            "eos_token_id": self._eos_id,
        }
        if temperature > 0:
            settings.update(do_sample=True, temperature=temperature, top_p=1.0, top_k=0)
        else:
            settings.update(do_sample=False)
        return self._transformers.GenerationConfig(**settings)

    def _generate_batch(self, batch: Sequence[str], config: Any, temperature: float, seed: int) -> list[str]:
        torch = self._torch
        tokenizer = self.loaded.tokenizer
        # A chat template writes its own BOS token into the text.
        encoded = tokenizer(
            list(batch),
            add_special_tokens=not self.use_chat_template,
            padding=True,
            padding_side="left",
            return_tensors="pt",
        )
        device = next(self.loaded.model.parameters()).device
        encoded = {key: value.to(device) for key, value in encoded.items()}
        if temperature > 0:
            torch.manual_seed(seed)
        with torch.inference_mode():
            output = self.loaded.model.generate(**encoded, generation_config=config)
        new_tokens = output[:, encoded["input_ids"].shape[1] :]
        return [str(text) for text in tokenizer.batch_decode(new_tokens, skip_special_tokens=True)]


def make_hf_scorer(
    model: str,
    fmt: PromptFormat,
    prompt_functions: PromptFunctions,
    *,
    policy: RetryPolicy,
    normalization: Normalization,
    demographics: bool,
    device: str = "auto",
    device_map: str | None = None,
    dtype: str = "auto",
    batch_size: int = 16,
    use_chat_template: bool | str = "auto",
    deterministic: bool = True,
    share_prefix: bool = True,
    loaded: LoadedModel | None = None,
) -> LoglikScorer | GenerateScorer | SingleScorer:
    """Load ``model`` with transformers and return the scorer of format ``fmt``.

    ``loaded`` skips loading and uses an already loaded model (benchmarks and tests).
    """
    if loaded is None:
        if deterministic:
            set_determinism(policy.seed, resolve_device(device) if device_map is None else "cuda")
        loaded = load_hf_model(model, device=device, device_map=device_map, dtype=dtype)
    config: dict[str, Any] = {
        "backend": "hf",
        "model": model,
        "device": loaded.device,
        "device_map": device_map,
        "dtype": loaded.dtype,
        "batch_size": batch_size,
        "deterministic": deterministic,
        "demographics": demographics,
    }
    name = f"hf:{model}"
    if fmt == "loglik":
        engine = HFLoglikEngine(
            loaded.model, loaded.tokenizer, model_name=model, batch_size=batch_size, share_prefix=share_prefix
        )
        config["share_prefix"] = share_prefix
        return LoglikScorer(
            engine,
            prompt_functions,
            name=name,
            normalization=normalization,
            demographics=demographics,
            config=config,
        )
    generator = HFGenerator(loaded, batch_size=batch_size, use_chat_template=use_chat_template)
    config["use_chat_template"] = generator.use_chat_template
    scorer_class = GenerateScorer if fmt == "generate" else SingleScorer
    return scorer_class(
        generator, prompt_functions, name=name, policy=policy, demographics=demographics, config=config
    )

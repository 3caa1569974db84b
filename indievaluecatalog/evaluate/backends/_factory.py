"""make_model_scorer: one entry point from (backend, model, format, options) to a Scorer."""

from __future__ import annotations

import difflib
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from indievaluecatalog.errors import EvaluationError
from indievaluecatalog.evaluate.backends._formats import (
    PromptFunctions,
    check_prompt_format,
    default_prompt_functions,
)
from indievaluecatalog.evaluate.backends._generation import RetryPolicy
from indievaluecatalog.evaluate.backends._loglik import NORMALIZATIONS, Normalization
from indievaluecatalog.scoring import Scorer

logger = logging.getLogger(__name__)

BACKENDS: tuple[str, ...] = ("hf", "vllm", "openai")

COMMON_OPTIONS = (
    "seed",
    "demographics",
    "normalization",
    "max_retries",
    "retry_temperature",
    "max_new_tokens",
    "instances_per_call",
    "prompt_functions",
)


def make_model_scorer(backend: str, model: str, fmt: str, **options: Any) -> Scorer:
    """Build the scorer of ``model`` on ``backend`` (hf, vllm, openai) for prompt format ``fmt``.

    Options shared by every backend: ``seed`` (0), ``demographics`` (False), ``normalization`` of
    log-likelihood scores (``sum`` or ``mean``), ``max_retries`` (3), ``retry_temperature`` (0.6),
    ``max_new_tokens`` (512), ``instances_per_call`` and ``prompt_functions`` (the package's own templates
    by default). Each backend adds its own; docs/backends.md lists them. An unknown option raises
    EvaluationError with the accepted names.
    """
    prompt_format = check_prompt_format(fmt)
    if backend not in BACKENDS:
        raise EvaluationError(
            f"Unknown model backend {backend!r}.", hint=f"use one of: {', '.join(BACKENDS)}"
        )

    if backend in ("hf", "vllm"):
        check_model_folder(model)

    common = {name: options.pop(name) for name in COMMON_OPTIONS if name in options}
    normalization = common.get("normalization", "sum")
    if normalization not in NORMALIZATIONS:
        raise EvaluationError(
            f"Unknown log-likelihood normalization {normalization!r}.",
            hint=f"use one of: {', '.join(NORMALIZATIONS)}",
        )
    policy = RetryPolicy(
        max_retries=int(common.get("max_retries", 3)),
        retry_temperature=float(common.get("retry_temperature", 0.6)),
        seed=int(common.get("seed", 0)),
        max_new_tokens=int(common.get("max_new_tokens", 512)),
    )
    functions: PromptFunctions = common.get("prompt_functions") or default_prompt_functions()
    shared: dict[str, Any] = {
        "policy": policy,
        "normalization": normalization,
        "demographics": bool(common.get("demographics", False)),
    }

    scorer: Any
    if backend == "hf":
        from indievaluecatalog.evaluate.backends import hf

        _check_options(backend, options, hf.HF_OPTIONS)
        scorer = hf.make_hf_scorer(model, prompt_format, functions, **shared, **options)
    elif backend == "vllm":
        from indievaluecatalog.evaluate.backends import vllm

        _check_options(backend, options, vllm.VLLM_OPTIONS)
        scorer = vllm.make_vllm_scorer(model, prompt_format, functions, **shared, **options)
    else:
        from indievaluecatalog.evaluate.backends import openai

        _check_options(backend, options, openai.OPENAI_OPTIONS)
        scorer = openai.make_openai_scorer(model, prompt_format, functions, **shared, **options)

    if "instances_per_call" in common:
        scorer.instances_per_call = max(1, int(common["instances_per_call"]))
    scorer.name = f"{backend}:{model}:{prompt_format}"
    logger.info("scorer %s ready", scorer.name)
    result: Scorer = scorer
    return result


def check_model_folder(model: str) -> None:
    """Raise EvaluationError when ``model`` names a local folder that does not exist.

    A Hugging Face model id is ``NAME`` or ``OWNER/NAME``. ``model`` is taken as a local path when it starts
    with ``.``, ``/`` or ``~``, has more than one ``/``, or when its parent folder exists here (``models/nope``
    beside a ``models`` folder). Without this check transformers reports a failed Hub connection instead.
    """
    path = Path(model).expanduser()
    if path.exists():
        return
    looks_local = (
        model.startswith((".", "/", "~"))
        or model.count("/") > 1
        or "\\" in model
        or (path.parent != Path(".") and path.parent.is_dir())
    )
    if looks_local:
        raise EvaluationError(
            f"Model folder {model} not found.",
            hint="pass an existing folder with config.json, tokenizer files and weights, or a model id "
            "(OWNER/NAME) that is already in the Hugging Face cache",
        )


def _check_options(backend: str, options: dict[str, Any], accepted: Iterable[str]) -> None:
    allowed = sorted(set(accepted) | set(COMMON_OPTIONS))
    for name in options:
        if name not in allowed:
            close = difflib.get_close_matches(name, allowed, n=1)
            suggestion = f" Did you mean {close[0]!r}?" if close else ""
            raise EvaluationError(
                f"Unknown option {name!r} for the {backend} backend.{suggestion}",
                hint=f"accepted options: {', '.join(allowed)}",
            )


__all__ = ["BACKENDS", "Normalization", "make_model_scorer"]

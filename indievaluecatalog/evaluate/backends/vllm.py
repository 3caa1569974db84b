"""The ``vllm`` backend: vLLM with prefix caching, for large models and tensor parallelism over several GPUs.

Request building and output parsing are pure functions over plain dicts and lists, so they are tested
without vLLM; only the engine classes import it, when a scorer is made.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from indievaluecatalog.errors import EvaluationError
from indievaluecatalog.evaluate.backends._extras import require
from indievaluecatalog.evaluate.backends._formats import PromptFormat, PromptFunctions
from indievaluecatalog.evaluate.backends._generation import GenerateScorer, RetryPolicy, SingleScorer
from indievaluecatalog.evaluate.backends._loglik import LoglikScorer, Normalization, OptionScore, ProbeScores
from indievaluecatalog.evaluate.backends._tokenize import (
    TokenizedLoglikPrompt,
    chat_text,
    resolve_chat_template,
    tokenize_with_boundary_check,
)
from indievaluecatalog.prompts._records import ChatPrompt, LoglikPrompt

logger = logging.getLogger(__name__)

VLLM_OPTIONS = (
    "tensor_parallel_size",
    "dtype",
    "gpu_memory_utilization",
    "max_model_len",
    "use_chat_template",
)


def engine_kwargs(
    model: str,
    *,
    tensor_parallel_size: int = 1,
    dtype: str = "bfloat16",
    seed: int = 0,
    gpu_memory_utilization: float = 0.9,
    max_model_len: int | None = None,
) -> dict[str, Any]:
    """Return the keyword arguments of ``vllm.LLM`` for ``model``, with automatic prefix caching on.

    Prefix caching lets every option sequence of one prompt reuse the cached blocks of its shared prefix.
    """
    if tensor_parallel_size < 1:
        raise EvaluationError(
            f"tensor_parallel_size must be 1 or more, not {tensor_parallel_size}.",
            hint="use the number of GPUs the model is split over",
        )
    if not 0 < gpu_memory_utilization <= 1:
        raise EvaluationError(
            f"gpu_memory_utilization must be in (0, 1], not {gpu_memory_utilization}.", hint="use e.g. 0.9"
        )
    kwargs: dict[str, Any] = {
        "model": model,
        "enable_prefix_caching": True,
        "tensor_parallel_size": tensor_parallel_size,
        "dtype": dtype,
        "seed": seed,
        "gpu_memory_utilization": gpu_memory_utilization,
    }
    if max_model_len is not None:
        kwargs["max_model_len"] = max_model_len
    return kwargs


def loglik_requests(tokenized: TokenizedLoglikPrompt) -> list[dict[str, list[int]]]:
    """Return one token prompt (``{"prompt_token_ids": [...]}``) per option, probe by probe."""
    return [
        {"prompt_token_ids": list(tokenized.prefix_ids + option.suffix_ids)}
        for options in tokenized.options
        for option in options
    ]


def generation_requests(
    tokenizer: Any, prompts: Sequence[ChatPrompt], use_chat_template: bool
) -> list[dict[str, list[int]]]:
    """Return one token prompt per chat prompt.

    The texts are tokenized here, not by vLLM, because a chat template already writes the BOS token and
    vLLM would add a second one.
    """
    texts = [chat_text(tokenizer, prompt, use_chat_template) for prompt in prompts]
    encoded = tokenizer(texts, add_special_tokens=not use_chat_template)["input_ids"]
    return [{"prompt_token_ids": list(ids)} for ids in encoded]


def loglik_sampling_kwargs() -> dict[str, Any]:
    """Return the SamplingParams of log-likelihood requests: one greedy token and the prompt's log-probs.

    ``prompt_logprobs=1`` returns, at each prompt position, the actual token's log-probability beside the
    top one.
    """
    return {"max_tokens": 1, "temperature": 0.0, "prompt_logprobs": 1}


def generation_sampling_kwargs(*, temperature: float, seed: int, max_tokens: int) -> dict[str, Any]:
    """Return the SamplingParams of a generation request: greedy at temperature 0, else seeded sampling."""
    kwargs: dict[str, Any] = {"temperature": temperature, "max_tokens": max_tokens}
    if temperature > 0:
        kwargs.update(seed=seed, top_p=1.0, top_k=-1)
    return kwargs


def continuation_score(
    prompt_logprobs: Sequence[Mapping[int, Any] | None], token_ids: Sequence[int], start: int
) -> OptionScore:
    """Sum the log-probabilities of ``token_ids[start:]`` from vLLM's per-position ``prompt_logprobs``.

    Each entry maps token ids to a log-probability, given as a float or as vLLM's ``Logprob`` (an object
    with a ``logprob`` attribute). The first entry is None because the first token has no context.
    """
    if len(prompt_logprobs) != len(token_ids):
        raise EvaluationError(
            f"vLLM returned prompt log-probabilities for {len(prompt_logprobs)} positions of a "
            f"{len(token_ids)}-token prompt.",
            hint="check that the vLLM version returns prompt_logprobs for every prompt token",
        )
    if start < 1:
        raise EvaluationError(
            "The first prompt token cannot be scored: vLLM gives it no log-probability.",
            hint="use a tokenizer that adds a BOS token or a template with a non-empty prefix",
        )
    total = 0.0
    for position in range(start, len(token_ids)):
        entry = prompt_logprobs[position]
        token = token_ids[position]
        if entry is None or token not in entry:
            raise EvaluationError(
                f"vLLM returned no log-probability for prompt token {token} at position {position}.",
                hint="request prompt_logprobs of at least 0 (the actual token is always included)",
            )
        value = entry[token]
        total += float(getattr(value, "logprob", value))
    return OptionScore(total, len(token_ids) - start)


def scores_from_outputs(tokenized: TokenizedLoglikPrompt, outputs: Sequence[Any]) -> list[ProbeScores]:
    """Turn vLLM outputs of :func:`loglik_requests` (same order) into option scores per probe.

    Each output needs ``prompt_token_ids`` and ``prompt_logprobs`` attributes, as vLLM's RequestOutput has.
    """
    n_options = sum(len(options) for options in tokenized.options)
    if len(outputs) != n_options:
        raise EvaluationError(
            f"vLLM returned {len(outputs)} outputs for {n_options} option requests.",
            hint="this is a backend bug; report it with the vLLM version",
        )
    flat = iter(outputs)
    result: list[ProbeScores] = []
    for options in tokenized.options:
        probe_scores = []
        for option in options:
            output = next(flat)
            start = len(tokenized.prefix_ids) + option.continuation_start
            probe_scores.append(continuation_score(output.prompt_logprobs, output.prompt_token_ids, start))
        result.append(probe_scores)
    return result


class VLLMLoglikEngine:
    """Scores option continuations with vLLM's prompt log-probabilities, all prompts of a call in one batch."""

    def __init__(self, llm: Any) -> None:
        self.llm = llm
        self.tokenizer = llm.get_tokenizer()
        self._vllm = require("vllm", "vllm")

    def score(self, prompts: Sequence[LoglikPrompt]) -> list[list[ProbeScores]]:
        """Return, for each prompt, one list of option scores per probe."""
        tokenized = [tokenize_with_boundary_check(self.tokenizer, prompt)[0] for prompt in prompts]
        requests = [request for prompt in tokenized for request in loglik_requests(prompt)]
        params = self._vllm.SamplingParams(**loglik_sampling_kwargs())
        outputs = self.llm.generate(requests, params, use_tqdm=False)
        result, start = [], 0
        for prompt in tokenized:
            count = sum(len(options) for options in prompt.options)
            result.append(scores_from_outputs(prompt, outputs[start : start + count]))
            start += count
        return result


class VLLMGenerator:
    """Completes chat prompts with vLLM: greedy at temperature 0, seeded sampling above it."""

    def __init__(self, llm: Any, *, use_chat_template: bool | str, model: str) -> None:
        self.llm = llm
        self.tokenizer = llm.get_tokenizer()
        self.use_chat_template = resolve_chat_template(self.tokenizer, use_chat_template, model)
        self._vllm = require("vllm", "vllm")

    def generate(
        self, prompts: Sequence[ChatPrompt], *, temperature: float, seed: int, max_new_tokens: int
    ) -> list[str]:
        """Return one completion text per prompt, in prompt order."""
        requests = generation_requests(self.tokenizer, prompts, self.use_chat_template)
        kwargs = generation_sampling_kwargs(temperature=temperature, seed=seed, max_tokens=max_new_tokens)
        params = self._vllm.SamplingParams(**kwargs)
        outputs = self.llm.generate(requests, params, use_tqdm=False)
        return [str(output.outputs[0].text) for output in outputs]


def make_vllm_scorer(
    model: str,
    fmt: PromptFormat,
    prompt_functions: PromptFunctions,
    *,
    policy: RetryPolicy,
    normalization: Normalization,
    demographics: bool,
    tensor_parallel_size: int = 1,
    dtype: str = "bfloat16",
    gpu_memory_utilization: float = 0.9,
    max_model_len: int | None = None,
    use_chat_template: bool | str = "auto",
) -> LoglikScorer | GenerateScorer | SingleScorer:
    """Start a vLLM engine for ``model`` and return the scorer of format ``fmt``."""
    vllm = require("vllm", "vllm")
    kwargs = engine_kwargs(
        model,
        tensor_parallel_size=tensor_parallel_size,
        dtype=dtype,
        seed=policy.seed,
        gpu_memory_utilization=gpu_memory_utilization,
        max_model_len=max_model_len,
    )
    logger.info("starting vLLM for %s on %d GPUs", model, tensor_parallel_size)
    llm = vllm.LLM(**kwargs)
    config: dict[str, Any] = {"backend": "vllm", "demographics": demographics, **kwargs}
    name = f"vllm:{model}"
    if fmt == "loglik":
        return LoglikScorer(
            VLLMLoglikEngine(llm),
            prompt_functions,
            name=name,
            normalization=normalization,
            demographics=demographics,
            instances_per_call=64,
            config=config,
        )
    generator = VLLMGenerator(llm, use_chat_template=use_chat_template, model=model)
    config["use_chat_template"] = generator.use_chat_template
    scorer_class = GenerateScorer if fmt == "generate" else SingleScorer
    return scorer_class(
        generator,
        prompt_functions,
        name=name,
        policy=policy,
        demographics=demographics,
        instances_per_call=64,
        config=config,
    )

"""The vllm backend's request building and output parsing, tested offline without importing vLLM."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import pytest

from indievaluecatalog.errors import EvaluationError, MissingExtraError
from indievaluecatalog.evaluate.backends._tokenize import tokenize_loglik_prompt
from indievaluecatalog.evaluate.backends.vllm import (
    continuation_score,
    engine_kwargs,
    generation_requests,
    generation_sampling_kwargs,
    loglik_requests,
    loglik_sampling_kwargs,
    scores_from_outputs,
)
from indievaluecatalog.prompts._records import ChatPrompt


@dataclass
class FakeLogprob:
    """Stands in for vllm.sequence.Logprob."""

    logprob: float


@dataclass
class FakeOutput:
    """Stands in for vllm.RequestOutput: the prompt's ids and per-position log-probabilities."""

    prompt_token_ids: list[int]
    prompt_logprobs: list[dict[int, Any] | None]


def test_engine_kwargs_enable_prefix_caching() -> None:
    """The engine is built with prefix caching, the tensor parallel size, bf16 and the seed."""
    kwargs = engine_kwargs(
        "meta-llama/Llama-3.1-70B-Instruct", tensor_parallel_size=4, seed=3, max_model_len=8192
    )
    assert kwargs["enable_prefix_caching"] is True
    assert kwargs["tensor_parallel_size"] == 4
    assert kwargs["dtype"] == "bfloat16"
    assert kwargs["seed"] == 3
    assert kwargs["max_model_len"] == 8192


def test_engine_kwargs_reject_bad_values() -> None:
    """A tensor parallel size below 1 or a memory share outside (0, 1] is rejected."""
    with pytest.raises(EvaluationError, match="tensor_parallel_size"):
        engine_kwargs("m", tensor_parallel_size=0)
    with pytest.raises(EvaluationError, match="gpu_memory_utilization"):
        engine_kwargs("m", gpu_memory_utilization=1.5)


def test_loglik_requests_share_the_prefix(tokenizer: Any, prompts: Any, instances: Any) -> None:
    """Every option request starts with the same prefix ids and ends with its own suffix."""
    tokenized = tokenize_loglik_prompt(tokenizer, prompts.render_loglik(instances[0], "refined"))
    requests = loglik_requests(tokenized)
    assert len(requests) == sum(len(options) for options in tokenized.options)
    prefix = list(tokenized.prefix_ids)
    for request in requests:
        assert request["prompt_token_ids"][: len(prefix)] == prefix
    assert requests[0]["prompt_token_ids"] == list(tokenized.full_ids(0, 0))


def test_sampling_kwargs() -> None:
    """Loglik requests prompt log-probs; greedy generation has no seed; sampling is seeded."""
    assert loglik_sampling_kwargs()["prompt_logprobs"] == 1
    assert generation_sampling_kwargs(temperature=0.0, seed=4, max_tokens=10) == {
        "temperature": 0.0,
        "max_tokens": 10,
    }
    sampled = generation_sampling_kwargs(temperature=0.6, seed=4, max_tokens=10)
    assert sampled["seed"] == 4
    assert sampled["temperature"] == 0.6


def test_generation_requests_avoid_double_bos(tokenizer: Any) -> None:
    """Chat-template texts are tokenized without adding special tokens, plain texts with them."""
    prompt = ChatPrompt(system="Sys", user="Hello", template_id="t/v1")
    chat = generation_requests(tokenizer, [prompt], True)[0]["prompt_token_ids"]
    plain = generation_requests(tokenizer, [prompt], False)[0]["prompt_token_ids"]
    assert chat[0] != tokenizer.bos_token_id
    assert plain[0] == tokenizer.bos_token_id


def test_continuation_score_reads_logprob_objects_and_floats() -> None:
    """The actual token's log-probability is summed from Logprob objects or plain floats."""
    ids = [1, 5, 6, 7]
    logprobs: list[dict[int, Any] | None] = [
        None,
        {5: FakeLogprob(-1.0)},
        {6: -2.0, 9: -0.1},
        {7: FakeLogprob(-3.0)},
    ]
    score = continuation_score(logprobs, ids, 2)
    assert score.logprob == -5.0
    assert score.n_tokens == 2


def test_continuation_score_errors() -> None:
    """Missing positions, a missing token and start 0 raise EvaluationError."""
    with pytest.raises(EvaluationError, match="positions"):
        continuation_score([None], [1, 2], 1)
    with pytest.raises(EvaluationError, match="no log-probability for prompt token 2"):
        continuation_score([None, {3: -1.0}], [1, 2], 1)
    with pytest.raises(EvaluationError, match="first prompt token"):
        continuation_score([None, {2: -1.0}], [1, 2], 0)


def test_scores_from_outputs_groups_by_probe(tokenizer: Any, prompts: Any, instances: Any) -> None:
    """Outputs in request order become option scores per probe, counting only continuation tokens."""
    tokenized = tokenize_loglik_prompt(tokenizer, prompts.render_loglik(instances[0], "polar"))
    outputs = []
    for request in loglik_requests(tokenized):
        ids = request["prompt_token_ids"]
        outputs.append(FakeOutput(ids, [None] + [{token: -0.5} for token in ids[1:]]))
    scores = scores_from_outputs(tokenized, outputs)
    assert [len(probe) for probe in scores] == [len(options) for options in tokenized.options]
    option = tokenized.options[0][0]
    expected_tokens = len(option.suffix_ids) - option.continuation_start
    assert scores[0][0].n_tokens == expected_tokens
    assert scores[0][0].logprob == pytest.approx(-0.5 * expected_tokens)
    with pytest.raises(EvaluationError, match="outputs"):
        scores_from_outputs(tokenized, outputs[:-1])


def test_vllm_tests_do_not_import_vllm() -> None:
    """Building and parsing requests leaves vLLM unimported."""
    assert "vllm" not in sys.modules


def test_missing_vllm_raises_missing_extra(prompts: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Making a vllm scorer without vLLM installed raises MissingExtraError naming the extra."""
    from indievaluecatalog.evaluate.backends import make_model_scorer

    monkeypatch.setitem(sys.modules, "vllm", None)  # makes `import vllm` fail even where it is installed
    with pytest.raises(MissingExtraError, match=r"indievaluecatalog\[vllm\]"):
        make_model_scorer("vllm", "some/model", "loglik", prompt_functions=prompts)

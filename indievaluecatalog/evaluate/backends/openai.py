"""The ``openai`` backend: any OpenAI-compatible endpoint (OpenAI, vLLM's server, llama.cpp, ...).

The base URL comes from the ``base_url`` option or an environment variable (OPENAI_BASE_URL by default) and
the API key only from an environment variable (OPENAI_API_KEY by default). Requests are plain dicts and
responses are parsed by pure functions; the transport is the standard library's urllib.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from indievaluecatalog.errors import EvaluationError
from indievaluecatalog.evaluate.backends._formats import PromptFormat, PromptFunctions
from indievaluecatalog.evaluate.backends._generation import GenerateScorer, RetryPolicy, SingleScorer
from indievaluecatalog.evaluate.backends._http import (
    HttpStatusError,
    Transport,
    UrllibTransport,
    post_with_retries,
    redact_url,
)
from indievaluecatalog.evaluate.backends._loglik import LoglikScorer, Normalization, OptionScore, ProbeScores
from indievaluecatalog.prompts._records import ChatPrompt, LoglikPrompt

logger = logging.getLogger(__name__)

OPENAI_OPTIONS = (
    "base_url",
    "base_url_env",
    "api_key_env",
    "concurrency",
    "max_http_retries",
    "timeout_s",
    "transport",
)

_NO_PROMPT_LOGPROBS_HINT = (
    "the loglik format needs a completions endpoint that returns prompt log-probabilities (echo with "
    "logprobs), such as vLLM's OpenAI-compatible server; with other endpoints use --format generate or single"
)


def chat_request(
    prompt: ChatPrompt, *, model: str, temperature: float, max_tokens: int, seed: int
) -> dict[str, Any]:
    """Return the body of a chat completions request for ``prompt``."""
    return {
        "model": model,
        "messages": prompt.as_messages(),
        "temperature": temperature,
        "max_tokens": max_tokens,
        "seed": seed,
    }


def parse_chat_response(body: Any) -> str:
    """Return the assistant message text of a chat completions response ("" when it has no content)."""
    try:
        message = body["choices"][0]["message"]
    except (KeyError, IndexError, TypeError) as error:
        raise EvaluationError(
            f"The chat completions response has no choices[0].message: {str(body)[:200]}",
            hint="check that the endpoint implements the OpenAI chat completions API",
        ) from error
    content = message.get("content") if isinstance(message, dict) else None
    return content if isinstance(content, str) else ""


def loglik_request(texts: Sequence[str], *, model: str) -> dict[str, Any]:
    """Return the body of a completions request that echoes ``texts`` with each token's log-probability.

    One token is generated because some servers reject ``max_tokens=0``; it lies past the prompt and is
    left out of the scores.
    """
    return {
        "model": model,
        "prompt": list(texts),
        "max_tokens": 1,
        "temperature": 0.0,
        "echo": True,
        "logprobs": 1,
    }


def parse_echo_scores(
    body: Any, starts: Sequence[int], ends: Sequence[int], *, endpoint: str
) -> list[OptionScore]:
    """Sum the echoed log-probabilities of the tokens that start in ``[starts[i], ends[i])`` of prompt i.

    Offsets are character positions in the prompt text (the completions API's ``text_offset``). A token
    that begins before ``starts[i]`` and runs into the continuation counts as context.
    """
    choices = body.get("choices") if isinstance(body, dict) else None
    if not isinstance(choices, list) or len(choices) != len(starts):
        raise EvaluationError(
            f"{endpoint}/completions returned {len(choices) if isinstance(choices, list) else 'no'} choices for "
            f"{len(starts)} prompts.",
            hint="check that the endpoint implements the OpenAI completions API with a list of prompts",
        )
    ordered = sorted(choices, key=lambda choice: int(choice.get("index", 0)))
    scores = []
    for choice, start, end in zip(ordered, starts, ends, strict=True):
        logprobs = choice.get("logprobs") or {}
        values, offsets = logprobs.get("token_logprobs"), logprobs.get("text_offset")
        if not values or not offsets or len(values) != len(offsets):
            raise EvaluationError(
                f"{endpoint}/completions returned no prompt log-probabilities.", hint=_NO_PROMPT_LOGPROBS_HINT
            )
        total, count = 0.0, 0
        for value, offset in zip(values, offsets, strict=True):
            if start <= offset < end:
                if value is None:
                    raise EvaluationError(
                        f"{endpoint}/completions returned no log-probability for the token at character {offset}.",
                        hint=_NO_PROMPT_LOGPROBS_HINT,
                    )
                total += float(value)
                count += 1
        if count == 0:
            raise EvaluationError(
                f"{endpoint}/completions returned no token inside characters {start}-{end} of a prompt.",
                hint="check that the server's text_offset counts characters of the prompt",
            )
        scores.append(OptionScore(total, count))
    return scores


class OpenAIClient:
    """Requests to one model of an OpenAI-compatible endpoint, with bounded retries."""

    def __init__(
        self,
        transport: Transport,
        *,
        model: str,
        endpoint: str,
        max_retries: int = 5,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.transport = transport
        self.model = model
        self.endpoint = endpoint
        self.max_retries = max_retries
        self._sleep_kwargs: dict[str, Any] = {} if sleep is None else {"sleep": sleep}

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        return post_with_retries(
            self.transport,
            path,
            body,
            endpoint=self.endpoint,
            max_retries=self.max_retries,
            **self._sleep_kwargs,
        )

    def chat(self, prompt: ChatPrompt, *, temperature: float, max_tokens: int, seed: int) -> str:
        """Return the model's reply to ``prompt``."""
        body = chat_request(
            prompt, model=self.model, temperature=temperature, max_tokens=max_tokens, seed=seed
        )
        return parse_chat_response(self._post("chat/completions", body))

    def echo_scores(self, texts: Sequence[str], starts: Sequence[int]) -> list[OptionScore]:
        """Return the log-likelihood of ``texts[i][starts[i]:]`` given ``texts[i][:starts[i]]``."""
        try:
            body = self._post("completions", loglik_request(texts, model=self.model))
        except HttpStatusError as error:
            if error.status in (400, 404, 422):
                raise EvaluationError(error.message, hint=_NO_PROMPT_LOGPROBS_HINT) from error
            raise
        return parse_echo_scores(body, starts, [len(text) for text in texts], endpoint=self.endpoint)


class OpenAILoglikEngine:
    """Scores option continuations with echoed prompt log-probabilities, one request per probe."""

    def __init__(self, client: OpenAIClient, *, concurrency: int = 4) -> None:
        self.client = client
        self.concurrency = max(1, concurrency)

    def score(self, prompts: Sequence[LoglikPrompt]) -> list[list[ProbeScores]]:
        """Return, for each prompt, one list of option scores per probe."""
        jobs = []
        for prompt in prompts:
            for probe in prompt.probes:
                head = prompt.prefix + probe.context
                texts = [head + continuation for continuation in probe.continuations]
                jobs.append((texts, [len(head)] * len(texts)))
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            flat = list(pool.map(lambda job: self.client.echo_scores(*job), jobs))
        results, position = [], 0
        for prompt in prompts:
            results.append(flat[position : position + len(prompt.probes)])
            position += len(prompt.probes)
        return results


class OpenAIGenerator:
    """Completes chat prompts over the chat completions API, ``concurrency`` requests at a time."""

    def __init__(self, client: OpenAIClient, *, concurrency: int = 4) -> None:
        self.client = client
        self.concurrency = max(1, concurrency)

    def generate(
        self, prompts: Sequence[ChatPrompt], *, temperature: float, seed: int, max_new_tokens: int
    ) -> list[str]:
        """Return one completion text per prompt, in prompt order."""

        def complete(prompt: ChatPrompt) -> str:
            return self.client.chat(prompt, temperature=temperature, max_tokens=max_new_tokens, seed=seed)

        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            return list(pool.map(complete, prompts))


def resolve_endpoint(base_url: str | None, base_url_env: str, api_key_env: str) -> tuple[str, str | None]:
    """Return the base URL (option first, then environment) and the API key from the environment."""
    url = base_url or os.environ.get(base_url_env)
    if not url:
        raise EvaluationError(
            f"No endpoint for the openai backend: the base_url option and ${base_url_env} are both unset.",
            hint=f"export {base_url_env}=https://api.openai.com/v1 (or your server's URL, e.g. "
            "http://127.0.0.1:8000/v1), or pass the base_url option",
        )
    key = os.environ.get(api_key_env) or None
    if key is None:
        logger.info("$%s is unset; requests are sent without an API key", api_key_env)
    return url, key


def make_openai_scorer(
    model: str,
    fmt: PromptFormat,
    prompt_functions: PromptFunctions,
    *,
    policy: RetryPolicy,
    normalization: Normalization,
    demographics: bool,
    base_url: str | None = None,
    base_url_env: str = "OPENAI_BASE_URL",
    api_key_env: str = "OPENAI_API_KEY",
    concurrency: int = 4,
    max_http_retries: int = 5,
    timeout_s: float = 120.0,
    transport: Transport | None = None,
) -> LoglikScorer | GenerateScorer | SingleScorer:
    """Return the scorer of format ``fmt`` for ``model`` on an OpenAI-compatible endpoint.

    ``transport`` replaces the urllib transport (tests); the endpoint is then still resolved for messages.
    """
    url, key = resolve_endpoint(base_url, base_url_env, api_key_env)
    endpoint = redact_url(url)
    client = OpenAIClient(
        transport or UrllibTransport(url, key, timeout_s=timeout_s),
        model=model,
        endpoint=endpoint,
        max_retries=max_http_retries,
    )
    config: dict[str, Any] = {
        "backend": "openai",
        "model": model,
        "base_url": endpoint,
        "api_key_env": api_key_env,
        "concurrency": concurrency,
        "max_http_retries": max_http_retries,
        "demographics": demographics,
    }
    logger.info("openai backend: model %s at %s", model, endpoint)
    name = f"openai:{model}"
    if fmt == "loglik":
        return LoglikScorer(
            OpenAILoglikEngine(client, concurrency=concurrency),
            prompt_functions,
            name=name,
            normalization=normalization,
            demographics=demographics,
            config=config,
        )
    scorer_class = GenerateScorer if fmt == "generate" else SingleScorer
    return scorer_class(
        OpenAIGenerator(client, concurrency=concurrency),
        prompt_functions,
        name=name,
        policy=policy,
        demographics=demographics,
        config=config,
    )

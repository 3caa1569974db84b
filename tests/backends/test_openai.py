"""The openai backend: request building, response parsing, retries, and keeping the API key secret."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from indievaluecatalog.errors import EvaluationError
from indievaluecatalog.evaluate.backends import make_model_scorer
from indievaluecatalog.evaluate.backends._http import (
    HttpResponse,
    HttpStatusError,
    UrllibTransport,
    post_with_retries,
    redact_url,
)
from indievaluecatalog.evaluate.backends.openai import (
    chat_request,
    loglik_request,
    parse_chat_response,
    parse_echo_scores,
)
from indievaluecatalog.prompts._records import ChatPrompt

SECRET = "sk-test-0123456789abcdef-SECRET"


class FakeServer:
    """An OpenAI-compatible stub on 127.0.0.1: scripted statuses first, then valid answers; it records requests."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        self.chat_reply = "Option 1"
        self.echo_logprobs = True
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                body = json.loads(self.rfile.read(length))
                server.requests.append(
                    {"path": self.path, "body": body, "authorization": self.headers.get("Authorization")}
                )
                status = server.statuses.pop(0) if server.statuses else 200
                if status != 200:
                    payload: dict[str, Any] = {"error": {"message": f"scripted status {status}"}}
                elif self.path.endswith("/chat/completions"):
                    payload = {
                        "choices": [
                            {"index": 0, "message": {"role": "assistant", "content": server.chat_reply}}
                        ]
                    }
                else:
                    payload = {"choices": [server.echo_choice(i, p) for i, p in enumerate(body["prompt"])]}
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if status == 429:
                    self.send_header("Retry-After", "0")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def echo_choice(self, index: int, prompt: str) -> dict[str, Any]:
        """Echo ``prompt`` as whitespace-split tokens, each with log-probability -1 (the first None)."""
        tokens, offsets, position = [], [], 0
        for word in prompt.split(" "):
            tokens.append(word if not offsets else " " + word)
            offsets.append(position)
            position += len(tokens[-1])
        values: list[float | None] = [None] + [-1.0] * (len(tokens) - 1)
        tokens.append("!")
        offsets.append(len(prompt))
        values.append(-50.0)  # the generated token, which must not be counted
        logprobs = (
            {"tokens": tokens, "token_logprobs": values, "text_offset": offsets}
            if self.echo_logprobs
            else None
        )
        return {"index": index, "text": prompt + "!", "logprobs": logprobs}

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[FakeServer]:
    """A running fake endpoint, shut down after the test."""
    fake = FakeServer()
    yield fake
    fake.close()


@pytest.fixture
def endpoint_env(server: FakeServer, monkeypatch: pytest.MonkeyPatch) -> FakeServer:
    """OPENAI_BASE_URL and OPENAI_API_KEY pointing at the fake server."""
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    return server


def test_chat_request_body() -> None:
    """A chat request carries the model, both messages, temperature, max_tokens and seed."""
    prompt = ChatPrompt(system="sys", user="usr", template_id="t/v1")
    body = chat_request(prompt, model="m", temperature=0.0, max_tokens=64, seed=7)
    assert body == {
        "model": "m",
        "messages": [{"role": "system", "content": "sys"}, {"role": "user", "content": "usr"}],
        "temperature": 0.0,
        "max_tokens": 64,
        "seed": 7,
    }


def test_loglik_request_body() -> None:
    """A log-likelihood request echoes the prompts with logprobs on the completions API."""
    body = loglik_request(["a b", "a c"], model="m")
    assert body["prompt"] == ["a b", "a c"]
    assert body["echo"] is True
    assert body["logprobs"] == 1
    assert body["temperature"] == 0.0


def test_parse_chat_response() -> None:
    """The assistant text is returned; null content reads as empty; a malformed body raises."""
    assert parse_chat_response({"choices": [{"message": {"content": "hi"}}]}) == "hi"
    assert parse_chat_response({"choices": [{"message": {"content": None}}]}) == ""
    with pytest.raises(EvaluationError, match="choices"):
        parse_chat_response({"error": "nope"})


def test_parse_echo_scores_sums_continuation_tokens() -> None:
    """Only tokens starting inside [start, end) are summed, in choice index order."""
    choice = {
        "logprobs": {"token_logprobs": [None, -1.0, -2.0, -3.0, -9.0], "text_offset": [0, 3, 6, 9, 12]},
    }
    body = {"choices": [{**choice, "index": 1}, {**choice, "index": 0}]}
    scores = parse_echo_scores(body, [6, 3], [12, 12], endpoint="e")
    assert (scores[0].logprob, scores[0].n_tokens) == (-5.0, 2)
    assert (scores[1].logprob, scores[1].n_tokens) == (-6.0, 3)


def test_parse_echo_scores_without_logprobs() -> None:
    """A completions response without prompt log-probabilities raises a clear EvaluationError."""
    body = {"choices": [{"index": 0, "text": "x", "logprobs": None}]}
    with pytest.raises(EvaluationError, match="no prompt log-probabilities") as error:
        parse_echo_scores(body, [0], [1], endpoint="e")
    assert "generate or single" in str(error.value)


def test_parse_echo_scores_wrong_choice_count() -> None:
    """A response with fewer choices than prompts raises EvaluationError."""
    with pytest.raises(EvaluationError, match="1 choices for 2 prompts"):
        parse_echo_scores({"choices": [{"index": 0}]}, [0, 0], [1, 1], endpoint="e")


def test_retry_on_429_then_success(server: FakeServer) -> None:
    """HTTP 429 and 503 are retried with backoff; the third request succeeds."""
    server.statuses = [429, 503]
    delays: list[float] = []
    transport = UrllibTransport(server.url, SECRET)
    body = post_with_retries(
        transport, "chat/completions", {"model": "m"}, endpoint=server.url, max_retries=3, sleep=delays.append
    )
    assert body["choices"][0]["message"]["content"] == "Option 1"
    assert len(server.requests) == 3
    assert delays == [0.0, 2.0]  # Retry-After: 0 for the 429, then 1 s * 2**1 for the 503


def test_retries_are_bounded(server: FakeServer) -> None:
    """A server that keeps failing raises HttpStatusError after max_retries retries."""
    server.statuses = [500] * 10
    transport = UrllibTransport(server.url, SECRET)
    with pytest.raises(HttpStatusError, match="after 2 retries") as error:
        post_with_retries(
            transport, "completions", {"model": "m"}, endpoint=server.url, max_retries=2, sleep=lambda s: None
        )
    assert error.value.status == 500
    assert len(server.requests) == 3


def test_client_error_is_not_retried(server: FakeServer) -> None:
    """HTTP 401 raises at once with the server's message."""
    server.statuses = [401]
    transport = UrllibTransport(server.url, SECRET)
    with pytest.raises(HttpStatusError, match="scripted status 401"):
        post_with_retries(transport, "completions", {"model": "m"}, endpoint=server.url, sleep=lambda s: None)
    assert len(server.requests) == 1


def test_connection_errors_are_retried() -> None:
    """A transport raising OSError is retried and then reported as a connection failure."""

    class Refusing:
        calls = 0

        def post(self, path: str, body: dict[str, Any]) -> HttpResponse:
            Refusing.calls += 1
            raise ConnectionRefusedError("refused")

    with pytest.raises(HttpStatusError, match="connection failed"):
        post_with_retries(
            Refusing(), "completions", {"model": "m"}, endpoint="e", max_retries=2, sleep=lambda s: None
        )
    assert Refusing.calls == 3


def test_non_json_success_body_raises() -> None:
    """A 200 response that is not JSON raises EvaluationError about the base URL."""

    class Html:
        def post(self, path: str, body: dict[str, Any]) -> HttpResponse:
            return HttpResponse(200, None, "<html></html>")

    with pytest.raises(EvaluationError, match="not JSON"):
        post_with_retries(Html(), "completions", {"model": "m"}, endpoint="e")


def test_single_scorer_over_http_never_logs_key(
    endpoint_env: FakeServer, prompts: Any, instances: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A scorer run with retries sends the key as a bearer token but never logs it or puts it in its config."""
    endpoint_env.statuses = [429]
    with caplog.at_level(logging.DEBUG):
        scorer = make_model_scorer("openai", "test-model", "single", prompt_functions=prompts, concurrency=2)
        predictions = list(scorer.predict(instances[:1], "polar"))

    assert all(p.predicted == 1 for p in predictions)
    assert endpoint_env.requests[0]["authorization"] == f"Bearer {SECRET}"
    assert endpoint_env.requests[0]["body"]["temperature"] == 0.0
    assert "429" in caplog.text
    assert SECRET not in caplog.text
    config = json.dumps(scorer.describe())  # type: ignore[attr-defined]
    assert SECRET not in config
    assert "OPENAI_API_KEY" in config
    assert SECRET not in repr(scorer.generator.client.transport)  # type: ignore[attr-defined]


def test_key_is_redacted_from_server_errors(server: FakeServer) -> None:
    """Server text that echoes the key is redacted in the error message."""

    class Echoing(UrllibTransport):
        def post(self, path: str, body: dict[str, Any]) -> HttpResponse:
            return self._response(400, f'{{"error": {{"message": "bad key {SECRET}"}}}}'.encode(), None)

    with pytest.raises(HttpStatusError) as error:
        post_with_retries(Echoing(server.url, SECRET), "completions", {"model": "m"}, endpoint=server.url)
    assert SECRET not in str(error.value)
    assert "***" in str(error.value)


def test_loglik_scorer_over_http(endpoint_env: FakeServer, prompts: Any, instances: Any) -> None:
    """Echoed log-probabilities become option scores: shorter options win with -1 per word."""
    scorer = make_model_scorer("openai", "test-model", "loglik", prompt_functions=prompts)
    predictions = list(scorer.predict(instances[:1], "refined"))

    instance = instances[0]
    assert len(predictions) == len(instance.probes)
    assert len(endpoint_env.requests) == len(instance.probes)
    for prediction, probe in zip(predictions, instance.probes, strict=True):
        word_counts = [len(option.split(" ")) for option in probe.refined_options]
        assert prediction.predicted == word_counts.index(min(word_counts))
        assert prediction.option_logprobs is not None


def test_loglik_without_prompt_logprobs(endpoint_env: FakeServer, prompts: Any, instances: Any) -> None:
    """An endpoint that returns no prompt log-probabilities makes the loglik format fail clearly."""
    endpoint_env.echo_logprobs = False
    scorer = make_model_scorer("openai", "test-model", "loglik", prompt_functions=prompts)
    with pytest.raises(EvaluationError, match="no prompt log-probabilities"):
        list(scorer.predict(instances[:1], "polar"))


def test_loglik_rejected_by_endpoint(endpoint_env: FakeServer, prompts: Any, instances: Any) -> None:
    """HTTP 404 on the completions API becomes an error that names the formats to use instead."""
    endpoint_env.statuses = [404] * 50
    scorer = make_model_scorer("openai", "test-model", "loglik", prompt_functions=prompts, concurrency=1)
    with pytest.raises(EvaluationError, match="generate or single"):
        list(scorer.predict(instances[:1], "polar"))


def test_missing_base_url(monkeypatch: pytest.MonkeyPatch, prompts: Any) -> None:
    """Without base_url or $OPENAI_BASE_URL the backend raises EvaluationError naming the variable."""
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(EvaluationError, match="OPENAI_BASE_URL"):
        make_model_scorer("openai", "m", "single", prompt_functions=prompts)


def test_other_environment_variables(
    server: FakeServer, monkeypatch: pytest.MonkeyPatch, prompts: Any, instances: Any
) -> None:
    """base_url_env and api_key_env name other variables for the endpoint and the key."""
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.setenv("MY_URL", server.url)
    monkeypatch.setenv("MY_KEY", "other-key")
    scorer = make_model_scorer(
        "openai", "m", "single", prompt_functions=prompts, base_url_env="MY_URL", api_key_env="MY_KEY"
    )
    list(scorer.predict(instances[:1], "polar"))
    assert server.requests[0]["authorization"] == "Bearer other-key"


def test_no_key_sends_no_authorization(
    server: FakeServer, monkeypatch: pytest.MonkeyPatch, prompts: Any, instances: Any
) -> None:
    """Without an API key the requests carry no Authorization header."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    scorer = make_model_scorer("openai", "m", "single", prompt_functions=prompts, base_url=server.url)
    list(scorer.predict(instances[:1], "polar"))
    assert server.requests[0]["authorization"] is None


def test_invalid_base_url() -> None:
    """A base URL that is not http(s) is rejected, with its credentials left out of the message."""
    with pytest.raises(EvaluationError, match="Invalid endpoint") as error:
        UrllibTransport("ftp://user:pw@example.invalid/v1", None)
    assert "pw" not in str(error.value)


def test_redact_url() -> None:
    """User info and query strings are removed from URLs shown in messages and configs."""
    assert redact_url("https://user:pw@host.example:8443/v1?key=abc") == "https://host.example:8443/v1"

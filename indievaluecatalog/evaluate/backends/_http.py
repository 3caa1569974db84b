"""A minimal JSON-over-HTTP transport for OpenAI-compatible endpoints, with bounded retries and backoff.

The API key lives only in the transport's private attribute and the Authorization header it sends. It is
never logged, never part of a repr, and removed from any server text quoted in an error.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from indievaluecatalog.errors import EvaluationError

logger = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({408, 409, 429}) | frozenset(range(500, 600))


@dataclass(frozen=True)
class HttpResponse:
    """Status, parsed JSON body (None when not JSON) and the Retry-After delay in seconds, if sent."""

    status: int
    body: Any
    text: str
    retry_after_s: float | None = None


class Transport(Protocol):
    """Sends one JSON POST request to a path under the endpoint's base URL."""

    def post(self, path: str, body: dict[str, Any]) -> HttpResponse:
        """Return the response; raise OSError on a connection failure or timeout."""
        ...


class HttpStatusError(EvaluationError):
    """An endpoint answered with an HTTP status that retrying does not fix (or retries ran out)."""

    def __init__(self, message: str, *, status: int, hint: str) -> None:
        super().__init__(message, hint=hint)
        self.status = status


def redact_url(url: str) -> str:
    """Return ``url`` without user name, password or query string, which may carry credentials."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))


class UrllibTransport:
    """Transport over the standard library's urllib; sends ``Authorization: Bearer KEY`` when a key is set."""

    def __init__(self, base_url: str, api_key: str | None, *, timeout_s: float = 120.0) -> None:
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise EvaluationError(
                f"Invalid endpoint base URL {redact_url(base_url)!r}.",
                hint="use an http(s) URL such as https://api.openai.com/v1 or http://127.0.0.1:8000/v1",
            )
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self._api_key = api_key

    def __repr__(self) -> str:
        return f"UrllibTransport(base_url={redact_url(self.base_url)!r})"

    def post(self, path: str, body: dict[str, Any]) -> HttpResponse:
        """Send ``body`` as JSON to ``base_url/path`` and return the response, HTTP errors included."""
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        request = urllib.request.Request(
            f"{self.base_url}/{path.lstrip('/')}",
            data=json.dumps(body).encode(),
            headers=headers,
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                return self._response(response.status, response.read(), response.headers.get("Retry-After"))
        except urllib.error.HTTPError as error:
            return self._response(error.code, error.read(), error.headers.get("Retry-After"))

    def _response(self, status: int, raw: bytes, retry_after: str | None) -> HttpResponse:
        text = raw.decode("utf-8", errors="replace")
        if self._api_key:
            text = text.replace(self._api_key, "***")
        try:
            body = json.loads(text) if text else None
        except json.JSONDecodeError:
            body = None
        return HttpResponse(status, body, text, _seconds(retry_after))


def _seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date; the exponential backoff applies instead


def post_with_retries(
    transport: Transport,
    path: str,
    body: dict[str, Any],
    *,
    endpoint: str,
    max_retries: int = 5,
    backoff_s: float = 1.0,
    max_backoff_s: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Any:
    """POST ``body`` and return the JSON body of a 2xx response.

    HTTP 408, 409, 429 and 5xx and connection errors are retried up to ``max_retries`` times, waiting
    ``backoff_s * 2**k`` seconds (or the server's Retry-After), capped at ``max_backoff_s``. Any other
    status raises HttpStatusError at once. ``endpoint`` names the server in messages (no credentials).
    """
    model = body.get("model", "?")
    last_problem = ""
    last_status = 0
    for attempt in range(max_retries + 1):
        retry_after: float | None = None
        try:
            response = transport.post(path, body)
        except OSError as error:
            last_problem, last_status = f"connection failed ({error.__class__.__name__}: {error})", 0
        else:
            if 200 <= response.status < 300:
                if response.body is None:
                    raise EvaluationError(
                        f"{endpoint}/{path} returned a body that is not JSON for model {model}.",
                        hint="check that the base URL points at an OpenAI-compatible API (it usually ends in /v1)",
                    )
                return response.body
            last_status = response.status
            last_problem = f"HTTP {response.status}: {_server_message(response)}"
            if response.status not in RETRYABLE_STATUS:
                raise HttpStatusError(
                    f"{endpoint}/{path} rejected the request for model {model} with {last_problem}",
                    status=response.status,
                    hint="check the model name, the base URL and the API key variable",
                )
            retry_after = response.retry_after_s
        if attempt == max_retries:
            break
        delay = min(max_backoff_s, retry_after if retry_after is not None else backoff_s * 2**attempt)
        logger.warning(
            "%s/%s for model %s: %s; retry %d of %d in %.1f s",
            endpoint,
            path,
            model,
            last_problem,
            attempt + 1,
            max_retries,
            delay,
        )
        sleep(delay)
    raise HttpStatusError(
        f"{endpoint}/{path} failed for model {model} after {max_retries} retries; last error: {last_problem}",
        status=last_status,
        hint="check that the server is up and not rate-limited, or raise max_http_retries",
    )


def _server_message(response: HttpResponse) -> str:
    body = response.body
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return str(body["error"].get("message", ""))[:300]
    return response.text[:300]

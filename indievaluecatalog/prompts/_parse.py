"""Read a model's answer text back into zero-based option indices."""

from __future__ import annotations

import json
import re
from typing import Any

from indievaluecatalog.codebook import Granularity
from indievaluecatalog.splits import TaskInstance

_FENCE = re.compile(r"```[A-Za-z0-9_-]*")
_OPTION = re.compile(r"\boption\s*[#:]?\s*(\d+)\b", re.IGNORECASE)
_LEADING_NUMBER = re.compile(r"^\s*[(\[]?(\d+)[)\].:]?(?:\s|$)")
_NUMBER = re.compile(r"(?<![\w.])(\d+)(?![\w.])")
_PAIR = re.compile(r"\b(Q\d+[A-Z]?)\b[\"']?\s*[:=\-]+\s*[\"']?(?:option\s*)?(\d+)\b", re.IGNORECASE)


def _strip_fences(text: str) -> str:
    return _FENCE.sub("", text)


def _to_index(value: int, n_options: int) -> int | None:
    """Turn a one-based option number into a zero-based index, or None when out of range."""
    return value - 1 if 1 <= value <= n_options else None


def parse_single_answer(text: str, n_options: int) -> int | None:
    """Return the zero-based option index of a single-probe answer, or None when it is missing or invalid.

    Accepts "Option 3", "option 3.", "3", "(3)" and either inside prose or a code fence. The first "Option k"
    mention wins; without one, a number at the start, else the only number in the text. A number outside
    1..n_options gives None.
    """
    body = _strip_fences(text)
    option = _OPTION.search(body)
    if option is not None:
        return _to_index(int(option.group(1)), n_options)
    leading = _LEADING_NUMBER.match(body)
    if leading is not None:
        return _to_index(int(leading.group(1)), n_options)
    numbers = set(_NUMBER.findall(body))
    if len(numbers) == 1:
        return _to_index(int(numbers.pop()), n_options)
    return None


def _json_object(text: str) -> dict[str, Any] | None:
    """Return the JSON object between the first "{" and the last "}" of ``text``, or None."""
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        return None
    duplicates: set[str] = set()

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                duplicates.add(key)
            result[key] = value
        return result

    try:
        parsed = json.loads(text[start : end + 1], object_pairs_hook=pairs_hook)
    except json.JSONDecodeError:
        return None
    if not isinstance(parsed, dict):
        return None
    # A question answered twice in one object is ambiguous.
    for key in duplicates:
        parsed[key] = None
    return parsed


def _json_value(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        match = _OPTION.search(value) or re.fullmatch(r"\s*(\d+)\s*", value)
        return int(match.group(1)) if match else None
    return None


def parse_generate_answer(text: str, instance: TaskInstance, granularity: Granularity) -> list[int | None]:
    """Return one zero-based option index per probe of ``instance`` (None where it is missing or invalid).

    Reads a JSON object {"Q1": 2, ...} (values may also be "2" or "Option 2"), possibly inside a code fence or
    prose; without a parsable object, lines such as "Q1: Option 2" or "Q1: 2". A question answered twice with
    different options, an unknown option number or a missing question gives None for that probe.
    """
    body = _strip_fences(text)
    numbers: dict[str, int | None] = {}
    parsed = _json_object(body)
    if parsed is not None:
        lowered = {str(k).strip().upper(): v for k, v in parsed.items()}
        for probe in instance.probes:
            key = probe.question_id.upper()
            if key in lowered:
                numbers[probe.question_id] = _json_value(lowered[key])
    else:
        seen: dict[str, set[int]] = {}
        for match in _PAIR.finditer(body):
            seen.setdefault(match.group(1).upper(), set()).add(int(match.group(2)))
        for probe in instance.probes:
            values = seen.get(probe.question_id.upper())
            if values is not None:
                numbers[probe.question_id] = values.pop() if len(values) == 1 else None
    result: list[int | None] = []
    for probe in instance.probes:
        number = numbers.get(probe.question_id)
        result.append(None if number is None else _to_index(number, len(probe.options(granularity))))
    return result

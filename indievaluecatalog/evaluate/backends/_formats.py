"""The prompt formats a model scorer can use and the functions that render and parse them."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar, cast, get_args

from indievaluecatalog.codebook import Granularity
from indievaluecatalog.errors import EvaluationError
from indievaluecatalog.prompts._records import ChatPrompt, LoglikPrompt
from indievaluecatalog.splits._records import TaskInstance

PromptFormat = Literal["generate", "single", "loglik"]
PROMPT_FORMATS: tuple[str, ...] = get_args(PromptFormat)

T = TypeVar("T")


@dataclass(frozen=True)
class PromptFunctions:
    """Renderers and answer parsers of the three formats; the defaults come from ``indievaluecatalog.prompts``."""

    render_generate: Callable[..., ChatPrompt]
    """``(instance, granularity, *, demographics) -> ChatPrompt`` with every probe in one prompt."""
    render_single: Callable[..., ChatPrompt]
    """``(instance, probe_index, granularity, *, demographics) -> ChatPrompt`` with one probe."""
    render_loglik: Callable[..., LoglikPrompt]
    """``(instance, granularity, *, demographics) -> LoglikPrompt``."""
    parse_generate_answer: Callable[[str, TaskInstance, Granularity], Sequence[int | None]]
    """``(text, instance, granularity)``: one option index per probe, None where no single valid choice."""
    parse_single_answer: Callable[[str, int], int | None]
    """``(text, n_options)``: the option index, or None when the text names no single valid option."""


def default_prompt_functions() -> PromptFunctions:
    """Return the package's own prompt templates (default version) and parsers from ``indievaluecatalog.prompts``."""
    from indievaluecatalog import prompts

    return PromptFunctions(
        render_generate=prompts.render_generate,
        render_single=prompts.render_single,
        render_loglik=prompts.render_loglik,
        parse_generate_answer=prompts.parse_generate_answer,
        parse_single_answer=prompts.parse_single_answer,
    )


def check_prompt_format(fmt: str) -> PromptFormat:
    """Return ``fmt`` as a PromptFormat or raise EvaluationError listing the formats."""
    if fmt not in PROMPT_FORMATS:
        raise EvaluationError(
            f"Unknown prompt format {fmt!r}.",
            hint=f"use one of: {', '.join(PROMPT_FORMATS)}",
        )
    return cast(PromptFormat, fmt)


def chunked(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Yield consecutive slices of ``items`` of at most ``size`` elements."""
    for start in range(0, len(items), size):
        yield items[start : start + size]

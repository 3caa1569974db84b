"""Tokenization of log-likelihood prompts and chat prompts with a Hugging Face tokenizer (hf and vllm)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from indievaluecatalog.errors import EvaluationError
from indievaluecatalog.prompts._records import ChatPrompt, LoglikPrompt

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TokenizedOption:
    """Token ids that follow the shared prefix for one probe option: the probe context, then the option."""

    suffix_ids: tuple[int, ...]
    continuation_start: int
    """Index in ``suffix_ids`` of the first continuation token; the tokens from here on are scored."""


@dataclass(frozen=True)
class TokenizedLoglikPrompt:
    """A log-likelihood prompt as token ids: the shared prefix once, then every option of every probe."""

    prefix_ids: tuple[int, ...]
    options: tuple[tuple[TokenizedOption, ...], ...]
    """Per probe, per option."""

    def full_ids(self, probe: int, option: int) -> tuple[int, ...]:
        """Return the ids of the whole sequence that scores ``option`` of ``probe``."""
        return self.prefix_ids + self.options[probe][option].suffix_ids


ANCHOR_TOKENS = 16
"""Prefix tokens re-encoded with each probe when the prefix's end does not split like the full text."""


def tokenize_loglik_prompt(
    tokenizer: Any, prompt: LoglikPrompt, *, anchor_tokens: int = 0
) -> TokenizedLoglikPrompt:
    """Tokenize the prefix once and each probe's context and options so that the pieces concatenate.

    The prefix is encoded with the tokenizer's special tokens (a BOS token where the model has one). Each
    option is encoded as ``context + continuation`` in one piece and split after the context's own tokens,
    so the context-continuation boundary is tokenized as in the full text. Where the context's tokens are
    not a prefix of that encoding (a merge across the boundary), the continuation is encoded on its own.

    With ``anchor_tokens=0`` the prefix-context boundary is not re-encoded: the ids equal the full text's
    tokenization when the prefix ends where the tokenizer splits anyway (after ".\n\n" for Llama 3's
    tokenizer). GPT-2-style tokenizers merge a trailing "\\n\\n" that the full text splits. With ``anchor_tokens=k`` the
    last k prefix tokens are therefore dropped from the shared ids, and their text is encoded again in front of
    every probe's context. That moves the boundary into the middle of the prefix and needs a fast tokenizer
    (character offsets). :func:`prefix_boundary_matches` checks the result.
    """
    prefix_ids = _encode(tokenizer, [prompt.prefix], special=True)[0]
    anchor = ""
    if anchor_tokens > 0 and len(prefix_ids) > anchor_tokens + 1:
        offsets = tokenizer(prompt.prefix, return_offsets_mapping=True)["offset_mapping"]
        anchor = prompt.prefix[offsets[-anchor_tokens][0] :]
        prefix_ids = prefix_ids[:-anchor_tokens]
    heads = [anchor + probe.context for probe in prompt.probes]
    contexts = _encode(tokenizer, heads, special=False)
    joined = [
        head + continuation
        for head, probe in zip(heads, prompt.probes, strict=True)
        for continuation in probe.continuations
    ]
    joined_ids = iter(_encode(tokenizer, joined, special=False))

    probes = []
    for probe, context_ids in zip(prompt.probes, contexts, strict=True):
        options = []
        for continuation in probe.continuations:
            ids = next(joined_ids)
            if ids[: len(context_ids)] == context_ids:
                suffix = ids
            else:
                suffix = context_ids + _encode(tokenizer, [continuation], special=False)[0]
            if len(suffix) == len(context_ids):
                raise EvaluationError(
                    f"Option {continuation!r} of probe {probe.question_id} encodes to no tokens "
                    f"(template {prompt.template_id}).",
                    hint="every option continuation must be non-empty text",
                )
            options.append(TokenizedOption(tuple(suffix), len(context_ids)))
        probes.append(tuple(options))
    return TokenizedLoglikPrompt(tuple(prefix_ids), tuple(probes))


def tokenize_with_boundary_check(tokenizer: Any, prompt: LoglikPrompt) -> tuple[TokenizedLoglikPrompt, bool]:
    """Tokenize ``prompt``, re-anchoring the prefix end when the plain split differs from the full text.

    Returns the tokenized prompt and whether its first option's ids equal the full text's tokenization.
    """
    tokenized = tokenize_loglik_prompt(tokenizer, prompt)
    if prefix_boundary_matches(tokenizer, prompt, tokenized):
        return tokenized, True
    if not getattr(tokenizer, "is_fast", False):
        return tokenized, False
    anchored = tokenize_loglik_prompt(tokenizer, prompt, anchor_tokens=ANCHOR_TOKENS)
    if prefix_boundary_matches(tokenizer, prompt, anchored):
        return anchored, True
    return tokenized, False


def prefix_boundary_matches(tokenizer: Any, prompt: LoglikPrompt, tokenized: TokenizedLoglikPrompt) -> bool:
    """True when the first option's concatenated ids equal the tokenization of its full text."""
    if not prompt.probes or not prompt.probes[0].continuations:
        return True
    probe = prompt.probes[0]
    text = prompt.prefix + probe.context + probe.continuations[0]
    return tuple(_encode(tokenizer, [text], special=True)[0]) == tokenized.full_ids(0, 0)


def _encode(tokenizer: Any, texts: Sequence[str], *, special: bool) -> list[list[int]]:
    if not texts:
        return []
    encoded = tokenizer(list(texts), add_special_tokens=special)["input_ids"]
    return [list(ids) for ids in encoded]


def has_chat_template(tokenizer: Any) -> bool:
    """True when the tokenizer carries a chat template."""
    return bool(getattr(tokenizer, "chat_template", None))


def chat_text(tokenizer: Any, prompt: ChatPrompt, use_chat_template: bool) -> str:
    """Render a chat prompt as the text a causal model continues.

    With ``use_chat_template`` the tokenizer's chat template formats the system and user messages and adds
    the assistant turn's opening. Otherwise the text is the system message, a blank line, the user message
    and a newline, for base models without a template.
    """
    if use_chat_template:
        text = tokenizer.apply_chat_template(prompt.as_messages(), tokenize=False, add_generation_prompt=True)
        return str(text)
    return f"{prompt.system}\n\n{prompt.user}\n"


def resolve_chat_template(tokenizer: Any, option: bool | str, model: str) -> bool:
    """Turn the ``use_chat_template`` option (True, False or "auto") into a decision for this tokenizer."""
    if option == "auto":
        return has_chat_template(tokenizer)
    if option is True and not has_chat_template(tokenizer):
        raise EvaluationError(
            f"use_chat_template is set but the tokenizer of {model} has no chat template.",
            hint="use use_chat_template='auto' or False to prompt it with plain text",
        )
    if not isinstance(option, bool):
        raise EvaluationError(
            f"use_chat_template must be True, False or 'auto', not {option!r}.", hint="use 'auto'"
        )
    return option

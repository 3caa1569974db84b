"""Log-likelihood scoring with transformers that encodes each prompt's shared prefix once.

For one prompt (one person, setup and granularity) the prefix, which contains the demonstrations, runs through
the model once. Its key-value cache is then expanded over a batch of (probe context + option continuation)
sequences, so every probe and option attends to the same prefix states without recomputing them. The prefix
tensors are only read: each batch gets a fresh DynamicCache whose layers start from expanded views of them,
and the cache's concatenation with the new states allocates new tensors.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from indievaluecatalog.errors import EvaluationError
from indievaluecatalog.evaluate.backends._batching import (
    AdaptiveBatcher,
    is_out_of_memory,
    length_sorted_order,
)
from indievaluecatalog.evaluate.backends._extras import require
from indievaluecatalog.evaluate.backends._loglik import OptionScore, ProbeScores
from indievaluecatalog.evaluate.backends._tokenize import TokenizedOption, tokenize_with_boundary_check
from indievaluecatalog.prompts._records import LoglikPrompt

if TYPE_CHECKING:
    import torch

logger = logging.getLogger(__name__)


@dataclass
class LoglikStats:
    """Counters of the log-likelihood work, for the benchmark and the run log."""

    prompts: int = 0
    sequences: int = 0
    """Option sequences scored (one per option of every probe)."""
    forward_tokens: int = 0
    """Tokens run through the model, padding excluded; a shared prefix counts once per prompt."""
    boundary_mismatches: int = 0
    """Prompts whose first option's ids differ from the full text's tokenization, even after re-anchoring."""


@dataclass(frozen=True)
class _EncodedPrefix:
    layers: list[tuple[torch.Tensor, torch.Tensor]]
    last_logits: torch.Tensor
    """Logits after the last prefix token: they predict the first suffix token."""
    length: int


class HFLoglikEngine:
    """Scores every option continuation of log-likelihood prompts with a transformers causal model.

    ``share_prefix=False`` scores each option from its full sequence instead, for checks and benchmarks.
    """

    def __init__(
        self, model: Any, tokenizer: Any, *, model_name: str, batch_size: int = 16, share_prefix: bool = True
    ) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.model_name = model_name
        self.share_prefix = share_prefix
        self.batcher = AdaptiveBatcher(batch_size, model=model_name)
        self.stats = LoglikStats()
        self._torch = require("torch", "eval")
        self._transformers = require("transformers", "eval")
        parameters = inspect.signature(model.forward).parameters
        # transformers 5 renamed `past_key_values` to `cache`; older releases only know the first.
        self._cache_keyword = "cache" if "cache" in parameters else "past_key_values"
        self._can_keep_logits = "logits_to_keep" in parameters
        pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        self._pad_id = int(pad_id) if pad_id is not None else 0

    @property
    def device(self) -> torch.device:
        device: torch.device = next(self.model.parameters()).device
        return device

    def score(self, prompts: Sequence[LoglikPrompt]) -> list[list[ProbeScores]]:
        """Return, for each prompt, one list of option scores per probe."""
        return [self._score_prompt(prompt) for prompt in prompts]

    def _score_prompt(self, prompt: LoglikPrompt) -> list[ProbeScores]:
        tokenized, boundary_matches = tokenize_with_boundary_check(self.tokenizer, prompt)
        if not boundary_matches:
            self.stats.boundary_mismatches += 1
            level = logging.WARNING if self.stats.boundary_mismatches == 1 else logging.DEBUG
            logger.log(
                level,
                "template %s: the prefix and the first probe tokenize differently apart than together (%d "
                "prompts so far); scores use the concatenated ids",
                prompt.template_id,
                self.stats.boundary_mismatches,
            )
        keys = [(p, o) for p, options in enumerate(tokenized.options) for o in range(len(options))]
        options = [tokenized.options[p][o] for p, o in keys]
        order = length_sorted_order([len(option.suffix_ids) for option in options])
        ordered = [options[i] for i in order]
        prefix_ids = tokenized.prefix_ids

        with self._torch.inference_mode():
            if self.share_prefix and prefix_ids:
                prefix = self._encode_prefix(prefix_ids)
                scores = self.batcher.map(ordered, lambda batch: self._score_with_prefix(prefix, batch))
            else:
                scores = self.batcher.map(ordered, lambda batch: self._score_full(prefix_ids, batch))

        result: list[ProbeScores] = [[] for _ in tokenized.options]
        unsorted: list[OptionScore | None] = [None] * len(options)
        for position, index in enumerate(order):
            unsorted[index] = scores[position]
        for (probe, _), score in zip(keys, unsorted, strict=True):
            assert score is not None
            result[probe].append(score)
        self.stats.prompts += 1
        self.stats.sequences += len(options)
        return result

    def _encode_prefix(self, prefix_ids: tuple[int, ...]) -> _EncodedPrefix:
        torch = self._torch
        input_ids = torch.tensor([prefix_ids], dtype=torch.long, device=self.device)
        # Only the last position's logits are needed: they predict the first suffix token.
        extra = {"logits_to_keep": 1} if self._can_keep_logits else {}
        try:
            output = self.model(input_ids=input_ids, use_cache=True, **extra)
        except Exception as error:  # only out-of-memory is translated, the rest re-raised
            if is_out_of_memory(error):
                raise EvaluationError(
                    f"Model {self.model_name} ran out of accelerator memory on a prefix of {len(prefix_ids)} "
                    "tokens.",
                    hint="use a GPU with more memory, fewer demonstrations or device_map='auto'",
                ) from error
            raise
        self.stats.forward_tokens += len(prefix_ids)
        cache = getattr(output, "cache", None) or output.past_key_values
        return _EncodedPrefix(_cache_layers(cache), output.logits[0, -1], len(prefix_ids))

    def _new_cache(self, prefix: _EncodedPrefix, batch_size: int) -> Any:
        dynamic_cache = self._transformers.DynamicCache
        try:
            cache = dynamic_cache(config=self.model.config)
        except TypeError:  # transformers before 4.56 builds the layers lazily and takes no config
            cache = dynamic_cache()
        for layer, (keys, values) in enumerate(prefix.layers):
            cache.update(
                keys.expand(batch_size, *keys.shape[1:]), values.expand(batch_size, *values.shape[1:]), layer
            )
        return cache

    def _padded(self, sequences: Sequence[Sequence[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        torch = self._torch
        width = max(len(ids) for ids in sequences)
        input_ids = torch.full((len(sequences), width), self._pad_id, dtype=torch.long)
        mask = torch.zeros((len(sequences), width), dtype=torch.long)
        for row, ids in enumerate(sequences):
            input_ids[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
            mask[row, : len(ids)] = 1
        return input_ids.to(self.device), mask.to(self.device)

    def _score_with_prefix(
        self, prefix: _EncodedPrefix, batch: Sequence[TokenizedOption]
    ) -> list[OptionScore]:
        torch = self._torch
        input_ids, suffix_mask = self._padded([option.suffix_ids for option in batch])
        rows, width = input_ids.shape
        prefix_mask = torch.ones((rows, prefix.length), dtype=torch.long, device=self.device)
        positions = torch.arange(prefix.length, prefix.length + width, device=self.device).expand(rows, width)
        output = self.model(
            input_ids=input_ids,
            attention_mask=torch.cat([prefix_mask, suffix_mask], dim=1),
            position_ids=positions,
            use_cache=True,
            **{self._cache_keyword: self._new_cache(prefix, rows)},
        )
        self.stats.forward_tokens += sum(len(option.suffix_ids) for option in batch)
        scores = []
        for row, option in enumerate(batch):
            start, end = option.continuation_start, len(option.suffix_ids)
            # Logits at suffix position j predict token j + 1; the prefix's last logits predict token 0.
            predicting = output.logits[row, max(start - 1, 0) : end - 1]
            if start == 0:
                predicting = torch.cat([prefix.last_logits[None], predicting], dim=0)
            scores.append(_sum_logprobs(torch, predicting, input_ids[row, start:end]))
        return scores

    def _score_full(self, prefix_ids: tuple[int, ...], batch: Sequence[TokenizedOption]) -> list[OptionScore]:
        if not prefix_ids and any(option.continuation_start == 0 for option in batch):
            raise EvaluationError(
                f"A probe of model {self.model_name}'s prompt has neither prefix nor context tokens, so the "
                "first continuation token has nothing to be predicted from.",
                hint="use a tokenizer that adds a BOS token or a template with a non-empty prefix",
            )
        input_ids, mask = self._padded([prefix_ids + option.suffix_ids for option in batch])
        width = input_ids.shape[1]
        offset = len(prefix_ids)
        extra: dict[str, Any] = {}
        first_kept = 0
        if self._can_keep_logits and offset > 0:
            # Only the positions from the last prefix token on predict suffix tokens.
            extra["logits_to_keep"] = width - offset + 1
            first_kept = offset - 1
        output = self.model(input_ids=input_ids, attention_mask=mask, use_cache=False, **extra)
        self.stats.forward_tokens += sum(len(prefix_ids) + len(option.suffix_ids) for option in batch)
        scores = []
        for row, option in enumerate(batch):
            start, end = offset + option.continuation_start, offset + len(option.suffix_ids)
            predicting = output.logits[row, start - 1 - first_kept : end - 1 - first_kept]
            scores.append(_sum_logprobs(self._torch, predicting, input_ids[row, start:end]))
        return scores


def _sum_logprobs(torch: Any, logits: torch.Tensor, targets: torch.Tensor) -> OptionScore:
    logprobs = torch.log_softmax(logits.float(), dim=-1).gather(-1, targets[:, None])
    return OptionScore(float(logprobs.sum().item()), int(targets.shape[0]))


def _cache_layers(cache: Any) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Return (keys, values) per layer of a transformers cache, across the cache layouts of 4.x and 5.x."""
    if hasattr(cache, "layers"):
        return [(layer.keys, layer.values) for layer in cache.layers]
    if hasattr(cache, "key_cache"):
        return list(zip(cache.key_cache, cache.value_cache, strict=True))
    return [(layer[0], layer[1]) for layer in cache]

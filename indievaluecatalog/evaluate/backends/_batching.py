"""Batching for the local backends: length-sorted batches that halve on accelerator out-of-memory errors."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

from indievaluecatalog.errors import EvaluationError

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


def is_out_of_memory(error: BaseException) -> bool:
    """True for torch's CUDA out-of-memory error and for RuntimeErrors that report one (MPS, older torch)."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(error, torch.cuda.OutOfMemoryError):
        return True
    return isinstance(error, RuntimeError) and "out of memory" in str(error).lower()


def _release_accelerator_memory() -> None:
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available():
        torch.cuda.empty_cache()


class AdaptiveBatcher:
    """Run work in batches; on an out-of-memory error, halve the batch size and retry the same items.

    The halved size is kept for every later call, because a batch that did not fit once will not fit the
    next time either. At batch size 1 an out-of-memory error is raised as EvaluationError.
    """

    def __init__(self, batch_size: int, *, model: str) -> None:
        if batch_size < 1:
            raise EvaluationError(f"batch_size must be 1 or more, not {batch_size}.", hint="use e.g. 16")
        self.batch_size = batch_size
        self.model = model
        self.halvings = 0

    def map(self, items: Sequence[T], run: Callable[[Sequence[T]], list[R]]) -> list[R]:
        """Return ``run`` applied to consecutive batches of ``items``, concatenated in item order."""
        results: list[R] = []
        start = 0
        while start < len(items):
            batch = items[start : start + self.batch_size]
            try:
                outputs = run(batch)
            except Exception as error:  # anything but out-of-memory is re-raised below
                if not is_out_of_memory(error):
                    raise
                self._halve(len(batch), error)
                continue
            if len(outputs) != len(batch):
                raise EvaluationError(
                    f"A batch of {len(batch)} items for model {self.model} returned {len(outputs)} results.",
                    hint="this is a backend bug; report it with the model name and backend",
                )
            results.extend(outputs)
            start += len(batch)
        return results

    def _halve(self, failed_size: int, error: BaseException) -> None:
        _release_accelerator_memory()
        if failed_size <= 1:
            raise EvaluationError(
                f"Model {self.model} ran out of accelerator memory on a batch of one sequence.",
                hint="use a GPU with more memory, a smaller dtype, fewer demonstrations or device_map='auto'",
            ) from error
        self.batch_size = max(1, failed_size // 2)
        self.halvings += 1
        logger.warning(
            "model %s ran out of memory on a batch of %d; retrying with batches of %d",
            self.model,
            failed_size,
            self.batch_size,
        )


def length_sorted_order(lengths: Sequence[int]) -> list[int]:
    """Return item indices ordered by decreasing length (stable), so each batch pads little."""
    return sorted(range(len(lengths)), key=lambda index: -lengths[index])

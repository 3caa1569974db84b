"""Out-of-memory halving and length sorting of the local backends' batches."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from indievaluecatalog.errors import EvaluationError
from indievaluecatalog.evaluate.backends._batching import (
    AdaptiveBatcher,
    is_out_of_memory,
    length_sorted_order,
)
from indievaluecatalog.evaluate.backends._hf_loglik import HFLoglikEngine

torch = pytest.importorskip("torch")


class FakeOOM:
    """A batch function that raises torch's CUDA out-of-memory error for batches above ``limit``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.calls: list[int] = []

    def __call__(self, batch: Sequence[int]) -> list[int]:
        self.calls.append(len(batch))
        if len(batch) > self.limit:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return [item * 10 for item in batch]


def test_oom_halves_and_keeps_results() -> None:
    """An out-of-memory batch is retried at half size until it fits; results keep item order."""
    fake = FakeOOM(limit=3)
    batcher = AdaptiveBatcher(16, model="fake")
    results = batcher.map(list(range(10)), fake)
    assert results == [item * 10 for item in range(10)]
    assert fake.calls[:3] == [10, 5, 2]
    assert batcher.batch_size == 2
    assert batcher.halvings == 2


def test_halved_size_is_kept_for_later_calls() -> None:
    """After a halving, the next call starts from the smaller batch size."""
    fake = FakeOOM(limit=4)
    batcher = AdaptiveBatcher(8, model="fake")
    batcher.map(list(range(8)), fake)
    fake.calls.clear()
    batcher.map(list(range(8)), fake)
    assert fake.calls == [4, 4]


def test_oom_at_batch_of_one_raises() -> None:
    """Out of memory on a single item raises EvaluationError naming the model."""
    batcher = AdaptiveBatcher(4, model="big-model")
    with pytest.raises(EvaluationError, match="big-model"):
        batcher.map([1, 2, 3], FakeOOM(limit=0))


def test_other_errors_propagate() -> None:
    """An error that is not out-of-memory is raised unchanged, with no halving."""
    batcher = AdaptiveBatcher(4, model="fake")

    def broken(batch: Sequence[int]) -> list[int]:
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        batcher.map([1, 2], broken)
    assert batcher.batch_size == 4


def test_out_of_memory_detection() -> None:
    """CUDA OOM errors and RuntimeErrors reporting one are detected; other errors are not."""
    assert is_out_of_memory(torch.cuda.OutOfMemoryError("CUDA out of memory"))
    assert is_out_of_memory(RuntimeError("MPS backend out of memory"))
    assert not is_out_of_memory(RuntimeError("shape mismatch"))
    assert not is_out_of_memory(ValueError("out of memory"))


def test_wrong_result_count_is_rejected() -> None:
    """A batch function returning too few results raises EvaluationError."""
    batcher = AdaptiveBatcher(4, model="fake")
    with pytest.raises(EvaluationError, match="returned 1 results"):
        batcher.map([1, 2], lambda batch: [0])


def test_invalid_batch_size() -> None:
    """A batch size below 1 is rejected."""
    with pytest.raises(EvaluationError, match="batch_size"):
        AdaptiveBatcher(0, model="fake")


def test_length_sorted_order_is_longest_first_and_stable() -> None:
    """Indices are ordered by decreasing length, ties in input order."""
    assert length_sorted_order([3, 7, 3, 9, 1]) == [3, 1, 0, 2, 4]


class OOMAboveBatch(torch.nn.Module):
    """Wraps a causal model and raises CUDA out-of-memory for forward batches wider than ``limit`` rows."""

    def __init__(self, model: Any, limit: int) -> None:
        super().__init__()
        self.inner = model
        self.limit = limit
        self.config = model.config
        self.rows: list[int] = []

    def forward(self, input_ids: Any, cache: Any = None, logits_to_keep: int = 0, **kwargs: Any) -> Any:
        self.rows.append(int(input_ids.shape[0]))
        if input_ids.shape[0] > self.limit:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory")
        return self.inner(input_ids=input_ids, cache=cache, logits_to_keep=logits_to_keep, **kwargs)


def test_engine_scores_survive_oom(llama: Any, tokenizer: Any, prompts: Any, instances: Any) -> None:
    """The hf engine halves its batch on OOM and returns the same scores as an unconstrained run."""
    prompt = prompts.render_loglik(instances[0], "refined")
    reference = HFLoglikEngine(llama, tokenizer, model_name="tiny", batch_size=64).score([prompt])
    wrapped = OOMAboveBatch(llama, limit=3)
    engine = HFLoglikEngine(wrapped, tokenizer, model_name="tiny", batch_size=64)
    scores = engine.score([prompt])

    failed = [index for index, rows in enumerate(wrapped.rows) if rows > 3]
    assert failed, "the fake never raised, so the test exercised no halving"
    assert all(rows <= 3 for rows in wrapped.rows[failed[-1] + 1 :])
    assert engine.batcher.batch_size <= 3
    for reference_probe, probe in zip(reference[0], scores[0], strict=True):
        for expected, actual in zip(reference_probe, probe, strict=True):
            assert actual.logprob == pytest.approx(expected.logprob, abs=1e-4)

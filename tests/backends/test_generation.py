"""Generation formats: greedy first, seeded retries, parse-failure counting, hf generation on a tiny model."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from indievaluecatalog.errors import EvaluationError
from indievaluecatalog.evaluate.backends._generation import (
    GenerateScorer,
    GenerationStats,
    RetryPolicy,
    SingleScorer,
    generate_with_retries,
)
from indievaluecatalog.prompts._records import ChatPrompt


class ScriptedGenerator:
    """A fake generator whose reply is computed from (call number, prompt); it records every call."""

    def __init__(self, reply: Callable[[int, ChatPrompt], str]) -> None:
        self.reply = reply
        self.calls: list[dict[str, Any]] = []

    def generate(
        self, prompts: Sequence[ChatPrompt], *, temperature: float, seed: int, max_new_tokens: int
    ) -> list[str]:
        call = len(self.calls)
        self.calls.append(
            {"n": len(prompts), "temperature": temperature, "seed": seed, "max": max_new_tokens}
        )
        return [self.reply(call, prompt) for prompt in prompts]


def _prompt(text: str) -> ChatPrompt:
    return ChatPrompt(system="s", user=text, template_id="t/v1")


def _parse_digit(index: int, text: str) -> list[int | None]:
    return [int(text)] if text.isdigit() else [None]


def test_greedy_answer_needs_no_retry() -> None:
    """Parsable greedy answers are kept after one call at temperature 0."""
    generator = ScriptedGenerator(lambda call, prompt: "1")
    outcomes = generate_with_retries(
        generator, [_prompt("a"), _prompt("b")], _parse_digit, [1, 1], RetryPolicy()
    )
    assert [o.choices for o in outcomes] == [(1,), (1,)]
    assert [o.attempts for o in outcomes] == [1, 1]
    assert generator.calls == [{"n": 2, "temperature": 0.0, "seed": 0, "max": 512}]


def test_unparsable_first_answer_is_retried_with_sampling() -> None:
    """Only the prompt that did not parse is resampled, at temperature 0.6 with the next seed."""
    generator = ScriptedGenerator(lambda call, prompt: "garbage" if call == 0 and prompt.user == "b" else "2")
    policy = RetryPolicy(seed=10)
    outcomes = generate_with_retries(generator, [_prompt("a"), _prompt("b")], _parse_digit, [1, 1], policy)

    assert [o.attempts for o in outcomes] == [1, 2]
    assert [o.parse_failed for o in outcomes] == [False, False]
    assert outcomes[1].text == "2"
    assert generator.calls[1] == {"n": 1, "temperature": 0.6, "seed": 11, "max": 512}


def test_never_parsable_answer_is_counted() -> None:
    """A prompt that never parses ends after max_retries sampled attempts, marked and counted."""
    generator = ScriptedGenerator(lambda call, prompt: f"no answer {call}")
    stats = GenerationStats()
    policy = RetryPolicy(max_retries=3)
    outcomes = generate_with_retries(generator, [_prompt("a")], _parse_digit, [1], policy, stats)

    assert outcomes[0].parse_failed
    assert outcomes[0].attempts == 4
    assert outcomes[0].choices == (None,)
    assert [call["temperature"] for call in generator.calls] == [0.0, 0.6, 0.6, 0.6]
    assert [call["seed"] for call in generator.calls] == [0, 1, 2, 3]
    assert stats.failed_prompts == 1
    assert stats.failures_by_attempts == {4: 1}
    assert stats.attempts == 4


def test_zero_retries_keeps_greedy_only() -> None:
    """With max_retries=0 an unparsable greedy answer fails after one attempt."""
    generator = ScriptedGenerator(lambda call, prompt: "x")
    outcomes = generate_with_retries(generator, [_prompt("a")], _parse_digit, [1], RetryPolicy(max_retries=0))
    assert outcomes[0].parse_failed
    assert len(generator.calls) == 1


def test_best_partial_attempt_is_kept() -> None:
    """A prompt that never fully parses keeps the attempt with the most parsed probes."""
    replies = ["1 x x", "1 2 x", "x x x", "x 2 x"]
    generator = ScriptedGenerator(lambda call, prompt: replies[call])

    def parse(index: int, text: str) -> list[int | None]:
        return [int(part) if part.isdigit() else None for part in text.split()]

    outcomes = generate_with_retries(generator, [_prompt("a")], parse, [3], RetryPolicy())
    assert outcomes[0].text == "1 2 x"
    assert outcomes[0].choices == (1, 2, None)
    assert outcomes[0].attempts == 4


def test_parser_errors_and_wrong_counts_count_as_failures() -> None:
    """A parser that raises, or returns the wrong number of choices, is a parse failure, not a crash."""

    def raising(index: int, text: str) -> list[int | None]:
        raise ValueError("cannot read")

    def too_many(index: int, text: str) -> list[int | None]:
        return [1, 2]

    for parse in (raising, too_many):
        generator = ScriptedGenerator(lambda call, prompt: "1")
        outcomes = generate_with_retries(generator, [_prompt("a")], parse, [1], RetryPolicy(max_retries=1))
        assert outcomes[0].parse_failed
        assert outcomes[0].attempts == 2


def test_generator_returning_wrong_count_raises() -> None:
    """A backend returning fewer texts than prompts raises EvaluationError."""

    class Short:
        def generate(self, prompts: Sequence[ChatPrompt], **kwargs: Any) -> list[str]:
            return []

    with pytest.raises(EvaluationError, match="0 completions for 1 prompts"):
        generate_with_retries(Short(), [_prompt("a")], _parse_digit, [1], RetryPolicy())


def test_invalid_policy_values() -> None:
    """Negative retries, a zero retry temperature and zero new tokens are rejected."""
    with pytest.raises(EvaluationError, match="max_retries"):
        RetryPolicy(max_retries=-1)
    with pytest.raises(EvaluationError, match="retry_temperature"):
        RetryPolicy(retry_temperature=0.0)
    with pytest.raises(EvaluationError, match="max_new_tokens"):
        RetryPolicy(max_new_tokens=0)


def test_generate_scorer_retries_then_parses(prompts: Any, instances: Any) -> None:
    """The all-probes scorer yields parsed choices after an unparsable greedy answer, with attempts=2."""

    def reply(call: int, prompt: ChatPrompt) -> str:
        if call % 2 == 0:  # the greedy call of each chunk of two instances
            return "I cannot tell."
        instance = next(i for i in instances if prompt.user.startswith(i.demonstrations("polar")[0]))
        return "\n".join(f"{p.question_id}: {p.polar_answer}" for p in instance.probes)

    scorer = GenerateScorer(ScriptedGenerator(reply), prompts, name="fake", instances_per_call=2)
    predictions = list(scorer.predict(instances, "polar"))

    assert len(predictions) == sum(len(i.probes) for i in instances)
    assert all(p.predicted == p.gold for p in predictions)
    assert all(p.attempts == 2 and not p.parse_failed for p in predictions)
    assert scorer.stats.retried_prompts == len(instances)
    assert scorer.stats.failed_prompts == 0


def test_generate_scorer_counts_failures(
    prompts: Any, instances: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Answers that never parse give predicted=None, parse_failed and the raw text, and a warning."""
    generator = ScriptedGenerator(lambda call, prompt: "no idea")
    scorer = GenerateScorer(generator, prompts, name="fake", policy=RetryPolicy(max_retries=2))
    with caplog.at_level("WARNING"):
        predictions = list(scorer.predict(instances[:1], "refined"))

    assert all(p.predicted is None and p.parse_failed for p in predictions)
    assert all(p.attempts == 3 and p.raw_output == "no idea" for p in predictions)
    assert scorer.stats.failed_prompts == 1
    assert "did not parse" in caplog.text


def test_generate_scorer_partial_answer(prompts: Any, instances: Any) -> None:
    """Probes that parsed in a partial answer keep their choice; the others are parse failures."""
    instance = instances[0]
    first = instance.probes[0]
    generator = ScriptedGenerator(lambda call, prompt: f"{first.question_id}: {first.refined_answer}")
    scorer = GenerateScorer(generator, prompts, name="fake", policy=RetryPolicy(max_retries=1))
    predictions = list(scorer.predict([instance], "refined"))

    assert predictions[0].predicted == first.refined_answer
    assert not predictions[0].parse_failed
    assert all(p.parse_failed and p.predicted is None for p in predictions[1:])


def test_out_of_range_option_is_a_parse_failure(prompts: Any, instances: Any) -> None:
    """An option index beyond the probe's options counts as unparsed."""
    generator = ScriptedGenerator(lambda call, prompt: "Option 9")
    scorer = SingleScorer(generator, prompts, name="fake", policy=RetryPolicy(max_retries=0))
    predictions = list(scorer.predict(instances[:1], "polar"))
    assert all(p.parse_failed and p.predicted is None for p in predictions)


def test_single_scorer_one_prompt_per_probe(prompts: Any, instances: Any) -> None:
    """The single-probe scorer sends one prompt per probe and reads 'Option k' answers."""
    generator = ScriptedGenerator(lambda call, prompt: "Option 1")
    scorer = SingleScorer(generator, prompts, name="fake", instances_per_call=10)
    predictions = list(scorer.predict(instances, "polar"))

    assert generator.calls[0]["n"] == sum(len(i.probes) for i in instances)
    assert [p.question_id for p in predictions] == [p.question_id for i in instances for p in i.probes]
    assert all(p.predicted == 1 and p.attempts == 1 for p in predictions)
    assert scorer.config["format"] == "single"


def test_hf_generation_is_deterministic(llama: Any, tokenizer: Any) -> None:
    """Greedy hf generation repeats exactly; seeded sampling repeats for the same seed."""
    pytest.importorskip("torch")
    from indievaluecatalog.evaluate.backends.hf import HFGenerator, LoadedModel

    loaded = LoadedModel(llama, tokenizer, "tiny", "cpu", "float32")
    generator = HFGenerator(loaded, batch_size=2)
    batch = [_prompt("Family is important."), _prompt("Work is very important in my life, I think.")]
    greedy = generator.generate(batch, temperature=0.0, seed=0, max_new_tokens=6)
    assert greedy == generator.generate(batch, temperature=0.0, seed=5, max_new_tokens=6)
    sampled = generator.generate(batch, temperature=0.6, seed=3, max_new_tokens=6)
    assert sampled == generator.generate(batch, temperature=0.6, seed=3, max_new_tokens=6)
    assert all(isinstance(text, str) for text in greedy + sampled)


def test_hf_generation_batches_match_single(llama: Any, tokenizer: Any) -> None:
    """Left-padded batched greedy generation equals generating each prompt alone."""
    pytest.importorskip("torch")
    from indievaluecatalog.evaluate.backends.hf import HFGenerator, LoadedModel

    loaded = LoadedModel(llama, tokenizer, "tiny", "cpu", "float32")
    batch = [_prompt("Family is important."), _prompt("Work is very important in my life, I think so.")]
    together = HFGenerator(loaded, batch_size=2).generate(batch, temperature=0.0, seed=0, max_new_tokens=5)
    alone = HFGenerator(loaded, batch_size=1).generate(batch, temperature=0.0, seed=0, max_new_tokens=5)
    assert together == alone


def test_hf_chat_template_choice(tokenizer: Any, plain_tokenizer: Any) -> None:
    """'auto' uses a tokenizer's chat template when present; True without one raises EvaluationError."""
    from indievaluecatalog.evaluate.backends._tokenize import chat_text, resolve_chat_template

    prompt = ChatPrompt(system="Sys", user="Hello", template_id="t/v1")
    assert resolve_chat_template(tokenizer, "auto", "tiny") is True
    assert resolve_chat_template(plain_tokenizer, "auto", "tiny") is False
    assert chat_text(tokenizer, prompt, True) == "<|system|>Sys\n<|user|>Hello\n<|assistant|>"
    assert chat_text(plain_tokenizer, prompt, False) == "Sys\n\nHello\n"
    with pytest.raises(EvaluationError, match="no chat template"):
        resolve_chat_template(plain_tokenizer, True, "tiny")
    with pytest.raises(EvaluationError, match="use_chat_template"):
        resolve_chat_template(tokenizer, "yes", "tiny")


def test_hf_generate_scorer_counts_failures_on_random_model(
    llama: Any, tokenizer: Any, prompts: Any, instances: Any
) -> None:
    """A random-weight model's unparsable text ends as counted parse failures, never a crash."""
    from indievaluecatalog.evaluate.backends.hf import LoadedModel, make_hf_scorer

    loaded = LoadedModel(llama, tokenizer, "tiny", "cpu", "float32")
    scorer = make_hf_scorer(
        "tiny",
        "single",
        prompts,
        policy=RetryPolicy(max_retries=1, max_new_tokens=4),
        normalization="sum",
        demographics=False,
        loaded=loaded,
    )
    predictions = list(scorer.predict(instances[:1], "polar"))
    assert len(predictions) == len(instances[0].probes)
    failed = [p for p in predictions if p.parse_failed]
    assert all(p.attempts == 2 and p.predicted is None and p.raw_output is not None for p in failed)
    assert scorer.stats.failed_prompts == len(failed)  # type: ignore[union-attr]

"""Log-likelihood scoring with transformers: prefix sharing, batching, tokenization and predictions."""

from __future__ import annotations

import math
from typing import Any

import pytest

from indievaluecatalog.errors import EvaluationError
from indievaluecatalog.evaluate.backends._hf_loglik import HFLoglikEngine
from indievaluecatalog.evaluate.backends._loglik import LoglikScorer, OptionScore, option_logprobs
from indievaluecatalog.evaluate.backends._tokenize import tokenize_loglik_prompt
from indievaluecatalog.prompts._records import LoglikProbe, LoglikPrompt

pytest.importorskip("torch")

TOLERANCE = 1e-4


def _engine(model: Any, tokenizer: Any, **options: Any) -> HFLoglikEngine:
    return HFLoglikEngine(model, tokenizer, model_name="tiny", **options)


@pytest.mark.parametrize("model_name", ["llama", "gpt2"])
def test_shared_prefix_equals_full_prompt(
    request: pytest.FixtureRequest,
    model_name: str,
    tokenizer: Any,
    prompts: Any,
    instances: Any,
    full_logprob: Any,
) -> None:
    """Prefix-cache scores equal one plain forward pass over each option's whole sequence."""
    model = request.getfixturevalue(model_name)
    prompt = prompts.render_loglik(instances[0], "refined")
    tokenized = tokenize_loglik_prompt(tokenizer, prompt)
    scores = _engine(model, tokenizer, batch_size=8).score([prompt])[0]

    assert [len(probe_scores) for probe_scores in scores] == [len(p.continuations) for p in prompt.probes]
    for probe_index, probe_scores in enumerate(scores):
        for option_index, score in enumerate(probe_scores):
            option = tokenized.options[probe_index][option_index]
            start = len(tokenized.prefix_ids) + option.continuation_start
            expected = full_logprob(model, tokenized.full_ids(probe_index, option_index), start)
            assert score.logprob == pytest.approx(expected, abs=TOLERANCE)
            assert score.n_tokens == len(option.suffix_ids) - option.continuation_start


def test_shared_prefix_equals_unshared_engine(
    llama: Any, tokenizer: Any, prompts: Any, instances: Any
) -> None:
    """share_prefix=True and share_prefix=False give the same scores for every instance."""
    rendered = [prompts.render_loglik(instance, "polar") for instance in instances]
    shared = _engine(llama, tokenizer, share_prefix=True).score(rendered)
    unshared = _engine(llama, tokenizer, share_prefix=False).score(rendered)
    for shared_prompt, unshared_prompt in zip(shared, unshared, strict=True):
        for shared_probe, unshared_probe in zip(shared_prompt, unshared_prompt, strict=True):
            for a, b in zip(shared_probe, unshared_probe, strict=True):
                assert a.logprob == pytest.approx(b.logprob, abs=TOLERANCE)
                assert a.n_tokens == b.n_tokens


def test_concatenated_ids_equal_full_tokenization(tokenizer: Any, prompts: Any, instances: Any) -> None:
    """For a prefix ending in a newline, prefix + context + option ids tokenize like the full text."""
    prompt = prompts.render_loglik(instances[1], "refined")
    tokenized = tokenize_loglik_prompt(tokenizer, prompt)
    for probe_index, probe in enumerate(prompt.probes):
        for option_index, continuation in enumerate(probe.continuations):
            text = prompt.prefix + probe.context + continuation
            assert tuple(tokenizer(text)["input_ids"]) == tokenized.full_ids(probe_index, option_index)


@pytest.mark.parametrize("batch_size", [1, 3, 64])
def test_batch_size_does_not_change_scores(
    batch_size: int, llama: Any, tokenizer: Any, prompts: Any, instances: Any
) -> None:
    """Scores with length-sorted batches of any size equal scores with batches of one."""
    prompt = prompts.render_loglik(instances[2], "refined")
    reference = _engine(llama, tokenizer, batch_size=1).score([prompt])[0]
    scores = _engine(llama, tokenizer, batch_size=batch_size).score([prompt])[0]
    for reference_probe, probe in zip(reference, scores, strict=True):
        for expected, actual in zip(reference_probe, probe, strict=True):
            assert actual.logprob == pytest.approx(expected.logprob, abs=TOLERANCE)


def test_rescoring_gives_identical_scores(llama: Any, tokenizer: Any, prompts: Any, instances: Any) -> None:
    """Scoring the same prompt twice with one engine gives bit-identical scores (the prefix is not mutated)."""
    prompt = prompts.render_loglik(instances[0], "polar")
    engine = _engine(llama, tokenizer, batch_size=4)
    assert engine.score([prompt]) == engine.score([prompt])


def test_forward_tokens_count_prefix_once(llama: Any, tokenizer: Any, prompts: Any, instances: Any) -> None:
    """The shared engine runs the prefix once; the unshared one once per option."""
    prompt = prompts.render_loglik(instances[0], "refined")
    tokenized = tokenize_loglik_prompt(tokenizer, prompt)
    suffix_tokens = sum(len(o.suffix_ids) for options in tokenized.options for o in options)
    n_options = sum(len(options) for options in tokenized.options)
    prefix_tokens = len(tokenized.prefix_ids)

    shared = _engine(llama, tokenizer)
    shared.score([prompt])
    unshared = _engine(llama, tokenizer, share_prefix=False)
    unshared.score([prompt])

    assert shared.stats.forward_tokens == prefix_tokens + suffix_tokens
    assert unshared.stats.forward_tokens == n_options * prefix_tokens + suffix_tokens
    assert shared.stats.sequences == n_options
    assert shared.stats.boundary_mismatches == 0


def test_boundary_mismatch_is_counted(llama: Any, tokenizer: Any, caplog: pytest.LogCaptureFixture) -> None:
    """A prefix that ends inside a word is counted and logged as a tokenization boundary mismatch."""
    probe = LoglikProbe(question_id="Q1", context="ant in my life.", continuations=(" Yes", " No"), answer=0)
    prompt = LoglikPrompt(prefix="Family is very import", probes=(probe,), template_id="split-word/v1")
    engine = _engine(llama, tokenizer)
    with caplog.at_level("WARNING"):
        engine.score([prompt])
    assert engine.stats.boundary_mismatches == 1
    assert "split-word/v1" in caplog.text


def test_empty_context_scores_first_token_from_prefix(llama: Any, tokenizer: Any, full_logprob: Any) -> None:
    """With an empty probe context the prefix's last logits score the first continuation token."""
    probe = LoglikProbe(
        question_id="Q1", context="", continuations=("Family is important.", "Work"), answer=0
    )
    prompt = LoglikPrompt(prefix="Statements of one person:\n", probes=(probe,), template_id="t/v1")
    tokenized = tokenize_loglik_prompt(tokenizer, prompt)
    scores = _engine(llama, tokenizer).score([prompt])[0][0]
    for index, score in enumerate(scores):
        expected = full_logprob(llama, tokenized.full_ids(0, index), len(tokenized.prefix_ids))
        assert score.logprob == pytest.approx(expected, abs=TOLERANCE)


def test_empty_continuation_is_rejected(llama: Any, tokenizer: Any) -> None:
    """An option that encodes to no tokens raises EvaluationError naming the probe."""
    probe = LoglikProbe(question_id="Q7", context="Question:", continuations=(" Yes", ""), answer=0)
    prompt = LoglikPrompt(prefix="Statements:\n", probes=(probe,), template_id="t/v1")
    with pytest.raises(EvaluationError, match="Q7"):
        _engine(llama, tokenizer).score([prompt])


def test_option_logprobs_normalize_over_options() -> None:
    """Normalized option log-probabilities sum to one in probability space; mean divides by token count."""
    scores = [OptionScore(-4.0, 2), OptionScore(-3.0, 1), OptionScore(-9.0, 6)]
    summed = option_logprobs(scores, "sum")
    mean = option_logprobs(scores, "mean")
    assert sum(math.exp(value) for value in summed) == pytest.approx(1.0)
    assert sum(math.exp(value) for value in mean) == pytest.approx(1.0)
    assert max(range(3), key=summed.__getitem__) == 1
    assert mean[0] - mean[2] == pytest.approx(-2.0 - -1.5)


def test_loglik_scorer_predictions(llama: Any, tokenizer: Any, prompts: Any, instances: Any) -> None:
    """The scorer yields one prediction per probe, in order, with the argmax option and the gold answer."""
    engine = _engine(llama, tokenizer)
    scorer = LoglikScorer(engine, prompts, name="hf:tiny", instances_per_call=2)
    predictions = list(scorer.predict(instances, "refined"))

    expected_keys = [(i.respondent_id, p.question_id) for i in instances for p in i.probes]
    assert [(p.respondent_id, p.question_id) for p in predictions] == expected_keys
    golds = [p.refined_answer for i in instances for p in i.probes]
    assert [p.gold for p in predictions] == golds
    for prediction in predictions:
        assert prediction.option_logprobs is not None
        assert sum(math.exp(v) for v in prediction.option_logprobs) == pytest.approx(1.0)
        assert prediction.predicted == max(
            range(len(prediction.option_logprobs)), key=prediction.option_logprobs.__getitem__
        )
        assert prediction.attempts == 1
        assert not prediction.parse_failed


def test_loglik_scorer_rejects_missing_probe(
    llama: Any, tokenizer: Any, prompts: Any, instances: Any
) -> None:
    """A renderer that drops a probe makes the scorer raise EvaluationError naming the respondent."""

    def render_short(instance: Any, granularity: Any, *, demographics: bool = False) -> LoglikPrompt:
        prompt = prompts.render_loglik(instance, granularity)
        return LoglikPrompt(prompt.prefix, prompt.probes[:-1], prompt.template_id)

    functions = type(prompts)(**{**prompts.__dict__, "render_loglik": render_short})
    scorer = LoglikScorer(_engine(llama, tokenizer), functions, name="hf:tiny")
    with pytest.raises(EvaluationError, match=instances[0].respondent_id):
        list(scorer.predict(instances, "polar"))


def test_loglik_scorer_rejects_wrong_option_count(
    llama: Any, tokenizer: Any, prompts: Any, instances: Any
) -> None:
    """A renderer with one continuation too few for a probe makes the scorer raise EvaluationError."""

    def render_fewer(instance: Any, granularity: Any, *, demographics: bool = False) -> LoglikPrompt:
        prompt = prompts.render_loglik(instance, granularity)
        first = prompt.probes[0]
        shortened = LoglikProbe(first.question_id, first.context, first.continuations[:-1], first.answer)
        return LoglikPrompt(prompt.prefix, (shortened, *prompt.probes[1:]), prompt.template_id)

    functions = type(prompts)(**{**prompts.__dict__, "render_loglik": render_fewer})
    scorer = LoglikScorer(_engine(llama, tokenizer), functions, name="hf:tiny")
    with pytest.raises(EvaluationError, match="continuations"):
        list(scorer.predict(instances, "refined"))


def test_unknown_normalization_is_rejected(llama: Any, tokenizer: Any, prompts: Any) -> None:
    """An unknown normalization name raises EvaluationError listing the choices."""
    with pytest.raises(EvaluationError, match="mean"):
        LoglikScorer(_engine(llama, tokenizer), prompts, name="hf:tiny", normalization="max")  # type: ignore[arg-type]


def test_prefix_end_is_reanchored_for_merging_tokenizer(full_logprob: Any) -> None:
    """A tokenizer that merges a trailing blank line gets exact full-text ids by re-anchoring the prefix end."""
    from indievaluecatalog.evaluate.backends._random_model import build_bpe_tokenizer, build_random_model
    from indievaluecatalog.evaluate.backends._tokenize import (
        prefix_boundary_matches,
        tokenize_with_boundary_check,
    )

    merging = build_bpe_tokenizer(
        ["Family is very important.\n\nQuestion: How important?\n\n- I agree.\n\n"] * 50, vocab_size=300
    )
    lines = "".join(f"- Family is very important {k}.\n" for k in range(6))
    probe = LoglikProbe(
        question_id="Q1", context="Question: How important?", continuations=(" I agree.", " No."), answer=0
    )
    prompt = LoglikPrompt(prefix=f"Statements:\n{lines}\n", probes=(probe,), template_id="blank-line/v1")
    plain = tokenize_loglik_prompt(merging, prompt)
    assert not prefix_boundary_matches(merging, prompt, plain)

    anchored, matches = tokenize_with_boundary_check(merging, prompt)
    assert matches
    assert len(anchored.prefix_ids) < len(plain.prefix_ids)
    for index, continuation in enumerate(probe.continuations):
        assert anchored.full_ids(0, index) == tuple(
            merging(prompt.prefix + probe.context + continuation)["input_ids"]
        )

    model = build_random_model("tiny-llama", merging, seed=3)
    engine = HFLoglikEngine(model, merging, model_name="tiny")
    scores = engine.score([prompt])[0][0]
    assert engine.stats.boundary_mismatches == 0
    for index, score in enumerate(scores):
        option = anchored.options[0][index]
        start = len(anchored.prefix_ids) + option.continuation_start
        assert score.logprob == pytest.approx(
            full_logprob(model, anchored.full_ids(0, index), start), abs=TOLERANCE
        )

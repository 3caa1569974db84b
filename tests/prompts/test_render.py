"""Tests of prompt rendering in the three formats and of the shipped templates."""

from __future__ import annotations

import pytest

from indievaluecatalog.errors import SplitError
from indievaluecatalog.prompts import (
    format_single_answer,
    load_templates,
    parse_generate_answer,
    parse_single_answer,
    render_generate,
    render_loglik,
    render_single,
    template_texts,
)
from indievaluecatalog.prompts._templates import PromptTemplateError
from indievaluecatalog.splits import TaskInstance


def test_generate_lists_demonstrations_and_probes(instance: TaskInstance) -> None:
    """The all-probes prompt lists each demonstration, then every probe with numbered options."""
    prompt = render_generate(instance, "refined")
    assert prompt.template_id == "generate/v1"
    assert "- I trust people completely.\n- I always vote." in prompt.user
    assert (
        "Q2:\n  Option 1: Very.\n  Option 2: Rather.\n  Option 3: Not very.\n  Option 4: Not at all."
        in prompt.user
    )
    assert prompt.user.index("I always vote.") < prompt.user.index("Q1:") < prompt.user.index("Q46:")
    assert "each of the 3 questions" in prompt.user
    assert '{"Q1": 1, "Q2": 1}' in prompt.user
    assert "I am a woman." not in prompt.user
    assert prompt.as_messages()[0] == {"role": "system", "content": prompt.system}


def test_generate_round_trip_parses(instance: TaskInstance) -> None:
    """An answer in the format the prompt asks for parses back to the intended options."""
    assert parse_generate_answer('{"Q1": 2, "Q2": 1, "Q46": 4}', instance, "refined") == [1, 0, 3]


def test_single_lists_options(instance: TaskInstance) -> None:
    """The single-probe prompt shows one probe's options as "Option k: ..." and asks for "Option k"."""
    prompt = render_single(instance, 2, "polar")
    assert prompt.template_id == "single/v1"
    assert "Option 1: I am happy.\nOption 2: I am not happy." in prompt.user
    assert "Friends matter." not in prompt.user
    assert "- I trust people.\n- I vote." in prompt.user
    assert format_single_answer(1) == "Option 2"
    assert parse_single_answer(format_single_answer(1), 2) == 1


def test_single_mixed_granularities(instance: TaskInstance) -> None:
    """Demonstrations may use another granularity than the probe's options."""
    prompt = render_single(instance, 0, "polar", demonstration_granularity="refined")
    assert "I always vote." in prompt.user
    assert "Option 1: Family matters." in prompt.user


def test_single_out_of_range_probe_raises(instance: TaskInstance) -> None:
    """A probe index beyond the instance's probes raises SplitError naming the range."""
    with pytest.raises(SplitError, match="from 0 to 2"):
        render_single(instance, 3, "polar")


def test_demographics_condition(instance: TaskInstance) -> None:
    """With demographics the prompt adds them; with neither statements nor demographics it says nothing is known."""
    bare = TaskInstance(instance.respondent_id, 0, "0", (), (), (), instance.demographics, instance.probes)
    with_demographics = render_single(bare, 0, "polar", demographics=True).user
    assert "- I am a woman." in with_demographics
    assert "agrees with, one per line" not in with_demographics
    assert "Nothing else is known about this person." in render_single(bare, 0, "polar").user


def test_demographics_missing_raises(instance: TaskInstance) -> None:
    """Asking for demographics on an instance loaded without them raises SplitError."""
    bare = TaskInstance(instance.respondent_id, 0, "50", ("a",), ("a",), ("Q9",), (), instance.probes)
    with pytest.raises(SplitError, match="demographics=True"):
        render_generate(bare, "polar", demographics=True)


def test_loglik_shares_prefix(instance: TaskInstance) -> None:
    """The log-likelihood prompt has one prefix with the demonstrations and per probe a context and continuations."""
    prompt = render_loglik(instance, "polar")
    assert prompt.template_id == "loglik/v1"
    assert prompt.prefix.endswith("- I trust people.\n- I vote.\n\n")
    assert [p.question_id for p in prompt.probes] == ["Q1", "Q2", "Q46"]
    first = prompt.probes[0]
    assert first.context == "Question: How important is family?\nThis person's answer:"
    assert first.continuations == (" Family matters.", " Family does not matter.")
    assert [p.answer for p in prompt.probes] == [0, 1, 0]
    assert all(instance.probes[0].wording not in prompt.prefix for _ in (0,))


def test_unknown_granularity_raises(instance: TaskInstance) -> None:
    """A granularity other than polar or refined raises SplitError."""
    with pytest.raises(SplitError, match="granularity"):
        render_loglik(instance, "fine")  # type: ignore[arg-type]


def test_template_texts_versioned() -> None:
    """Template texts are returned per id and version so results can store them."""
    texts = template_texts()
    assert set(texts) == {"person/v1", "generate/v1", "single/v1", "loglik/v1"}
    assert "Option $number: $text" in texts["single/v1"]
    assert load_templates("v1").version == "v1"


def test_unknown_template_version_raises() -> None:
    """An unknown template version raises PromptTemplateError listing the shipped ones."""
    with pytest.raises(PromptTemplateError, match="v1"):
        load_templates("v99")

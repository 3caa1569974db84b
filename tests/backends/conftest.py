"""Fixtures for the model backends: synthetic task instances, test prompt templates, tiny random models."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Any

import pytest

from indievaluecatalog.codebook import Granularity, load_codebook
from indievaluecatalog.evaluate.backends._formats import PromptFunctions
from indievaluecatalog.evaluate.backends._random_model import (
    SIMPLE_CHAT_TEMPLATE,
    build_bpe_tokenizer,
    build_random_model,
)
from indievaluecatalog.prompts._records import ChatPrompt, LoglikProbe, LoglikPrompt
from indievaluecatalog.splits._records import Probe, TaskInstance


def make_instances(
    n_people: int, n_demonstrations: int, *, seed: int = 0, n_probes: int = 6
) -> list[TaskInstance]:
    """Build synthetic task instances from the codebook's statements, with random answers."""
    codebook = load_codebook()
    rng = random.Random(seed)
    questions = list(codebook.questions)
    instances = []
    for person in range(n_people):
        probe_questions = questions[:n_probes]
        rest = questions[n_probes:]
        demo_questions = rng.sample(rest, min(n_demonstrations, len(rest)))
        demo_polar, demo_refined = [], []
        for question in demo_questions:
            refined_index = rng.randrange(len(question.refined))
            refined = question.refined[refined_index]
            polar = next(o for o in question.polar if set(refined.codes) <= set(o.codes))
            demo_polar.append(polar.statement)
            demo_refined.append(refined.statement)
        probes = []
        for question in probe_questions:
            refined_index = rng.randrange(len(question.refined))
            refined_codes = set(question.refined[refined_index].codes)
            polar_index = next(i for i, o in enumerate(question.polar) if refined_codes <= set(o.codes))
            probes.append(
                Probe(
                    question_id=question.id,
                    category=question.category,
                    wording=question.wording,
                    polar_options=tuple(o.statement for o in question.polar),
                    refined_options=tuple(o.statement for o in question.refined),
                    polar_answer=polar_index,
                    refined_answer=refined_index,
                )
            )
        instances.append(
            TaskInstance(
                respondent_id=f"R{person:016x}",
                setup=0,
                demos=str(n_demonstrations),
                demonstrations_polar=tuple(demo_polar),
                demonstrations_refined=tuple(demo_refined),
                demonstration_questions=tuple(q.id for q in demo_questions),
                demographics=("I live in Testland.",),
                probes=tuple(probes),
            )
        )
    return instances


def render_loglik(
    instance: TaskInstance, granularity: Granularity, *, demographics: bool = False
) -> LoglikPrompt:
    """Render a log-likelihood prompt whose prefix ends with a newline, so tokenization splits there."""
    lines = list(instance.demographics if demographics else ()) + list(instance.demonstrations(granularity))
    prefix = "Statements of one person:\n" + "".join(f"- {line}\n" for line in lines)
    probes = tuple(
        LoglikProbe(
            question_id=probe.question_id,
            context=f"Question: {probe.wording}\nThe same person says:",
            continuations=tuple(f" {option}" for option in probe.options(granularity)),
            answer=probe.answer(granularity),
        )
        for probe in instance.probes
    )
    return LoglikPrompt(prefix=prefix, probes=probes, template_id="test-loglik/v1")


def render_generate(
    instance: TaskInstance, granularity: Granularity, *, demographics: bool = False
) -> ChatPrompt:
    """Render every probe in one chat prompt; the answer is one 'QID: k' line per probe."""
    blocks = []
    for probe in instance.probes:
        options = "\n".join(f"Option {k}: {text}" for k, text in enumerate(probe.options(granularity)))
        blocks.append(f"{probe.question_id}: {probe.wording}\n{options}")
    statements = "\n".join(instance.demonstrations(granularity))
    return ChatPrompt(
        system="Predict the person's answers.",
        user=statements + "\n\n" + "\n\n".join(blocks),
        template_id="test-generate/v1",
    )


def render_single(
    instance: TaskInstance, probe_index: int, granularity: Granularity, *, demographics: bool = False
) -> ChatPrompt:
    """Render one probe in a chat prompt; the answer is 'Option k'."""
    probe = instance.probes[probe_index]
    options = "\n".join(f"Option {k}: {text}" for k, text in enumerate(probe.options(granularity)))
    return ChatPrompt(
        system="Predict the person's answer.",
        user=f"{probe.wording}\n{options}",
        template_id="test-single/v1",
    )


def parse_generate_answer(text: str, instance: TaskInstance, granularity: Granularity) -> list[int | None]:
    """Read one 'QID: k' line per probe; None for a probe with no line or several."""
    found: dict[str, list[int]] = {}
    for question_id, option in re.findall(r"(Q\d+):\s*(\d+)", text):
        found.setdefault(question_id, []).append(int(option))
    return [
        found[p.question_id][0] if len(found.get(p.question_id, [])) == 1 else None for p in instance.probes
    ]


def parse_single_answer(text: str, n_options: int) -> int | None:
    """Read 'Option k'; None unless exactly one valid option is named."""
    options = {int(k) for k in re.findall(r"Option (\d+)", text)}
    if len(options) != 1:
        return None
    (option,) = options
    return option if option < n_options else None


TEST_PROMPTS = PromptFunctions(
    render_generate=render_generate,
    render_single=render_single,
    render_loglik=render_loglik,
    parse_generate_answer=parse_generate_answer,
    parse_single_answer=parse_single_answer,
)


def tokenizer_corpus() -> list[str]:
    """Return codebook statements and wordings to train the test tokenizer on."""
    codebook = load_codebook()
    texts = [q.wording for q in codebook.questions]
    for question in codebook.questions:
        texts += [o.statement for o in question.polar] + [o.statement for o in question.refined]
    return [*texts, "Statements of one person:", "Question:", "The same person says:"]


@pytest.fixture(scope="session")
def tokenizer() -> Any:
    """A byte-level BPE tokenizer trained on the codebook, with a chat template."""
    pytest.importorskip("transformers")
    return build_bpe_tokenizer(tokenizer_corpus(), vocab_size=800, chat_template=SIMPLE_CHAT_TEMPLATE)


@pytest.fixture(scope="session")
def plain_tokenizer() -> Any:
    """The same kind of tokenizer without a chat template."""
    pytest.importorskip("transformers")
    return build_bpe_tokenizer(tokenizer_corpus(), vocab_size=800)


@pytest.fixture(scope="session")
def llama(tokenizer: Any) -> Any:
    """A random-weight Llama of hidden size 32 and 2 layers."""
    return build_random_model("tiny-llama", tokenizer, seed=1)


@pytest.fixture(scope="session")
def gpt2(tokenizer: Any) -> Any:
    """A random-weight GPT-2 of hidden size 32 and 2 layers."""
    return build_random_model("tiny-gpt2", tokenizer, seed=2)


def full_sequence_logprob(model: Any, ids: Sequence[int], start: int) -> float:
    """Sum the log-probabilities of ids[start:] from one plain forward pass over the whole sequence."""
    import torch

    with torch.inference_mode():
        logits = model(input_ids=torch.tensor([list(ids)])).logits[0]
    logprobs = torch.log_softmax(logits.float(), dim=-1)
    return float(sum(logprobs[i - 1, ids[i]] for i in range(start, len(ids))))


@pytest.fixture(scope="session")
def prompts() -> PromptFunctions:
    """Test prompt templates and parsers."""
    return TEST_PROMPTS


@pytest.fixture(scope="session")
def instances() -> list[TaskInstance]:
    """Three synthetic task instances with 20 demonstrations and 6 probes each."""
    return make_instances(3, 20)


@pytest.fixture(scope="session")
def instance_factory() -> Any:
    """The function that builds synthetic task instances: (n_people, n_demonstrations, *, seed, n_probes)."""
    return make_instances


@pytest.fixture(scope="session")
def full_logprob() -> Any:
    """The reference scorer: one plain forward pass over a whole sequence, no cache."""
    return full_sequence_logprob

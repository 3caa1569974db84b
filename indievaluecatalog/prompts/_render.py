"""Render task instances into the three prompt formats."""

from __future__ import annotations

import json
from collections.abc import Sequence

from indievaluecatalog.codebook import Granularity
from indievaluecatalog.errors import SplitError
from indievaluecatalog.prompts._records import ChatPrompt, LoglikProbe, LoglikPrompt
from indievaluecatalog.prompts._templates import DEFAULT_VERSION, TemplateSet, fill, load_templates
from indievaluecatalog.splits import TaskInstance


def _check_granularity(granularity: str) -> None:
    if granularity not in ("polar", "refined"):
        raise SplitError(f"Unknown granularity {granularity!r}.", hint="use polar or refined")


def _lines(templates: TemplateSet, texts: Sequence[str]) -> str:
    return "\n".join(fill(templates.person["line"], text=text) for text in texts)


def render_person(
    instance: TaskInstance,
    granularity: Granularity,
    *,
    demographics: bool = False,
    version: str = DEFAULT_VERSION,
) -> str:
    """Render what is known about the person: demonstration statements, demographic statements, or neither.

    Raises SplitError when ``demographics`` is requested but the instance carries no demographic statements
    (load it with ``demographics=True``).
    """
    _check_granularity(granularity)
    templates = load_templates(version)
    blocks = []
    demonstrations = instance.demonstrations(granularity)
    if demonstrations:
        blocks.append(fill(templates.person["statements"], lines=_lines(templates, demonstrations)))
    if demographics:
        if not instance.demographics:
            raise SplitError(
                f"Task instance of {instance.respondent_id} (setup {instance.setup}) has no demographic statements.",
                hint="load the instances with demographics=True",
            )
        blocks.append(fill(templates.person["demographics"], lines=_lines(templates, instance.demographics)))
    if not blocks:
        blocks.append(templates.person["nothing_known"])
    return "\n\n".join(blocks)


def _options(template: str, options: Sequence[str]) -> str:
    return "\n".join(fill(template, number=k + 1, text=text) for k, text in enumerate(options))


def render_generate(
    instance: TaskInstance,
    granularity: Granularity,
    *,
    demographics: bool = False,
    version: str = DEFAULT_VERSION,
) -> ChatPrompt:
    """Render all probes of ``instance`` into one prompt; the answer is a JSON object {question id: option number}."""
    templates = load_templates(version)
    generate = templates.generate
    person = render_person(instance, granularity, demographics=demographics, version=version)
    probes = "\n\n".join(
        fill(
            generate["probe"],
            question_id=p.question_id,
            options=_options(generate["option"], p.options(granularity)),
        )
        for p in instance.probes
    )
    example = json.dumps({p.question_id: 1 for p in instance.probes[:2]})
    user = fill(
        generate["user"], person=person, n_probes=len(instance.probes), probes=probes, example=example
    )
    return ChatPrompt(system=generate["system"], user=user, template_id=generate["id"])


def render_single(
    instance: TaskInstance,
    probe_index: int,
    granularity: Granularity,
    *,
    demographics: bool = False,
    demonstration_granularity: Granularity | None = None,
    version: str = DEFAULT_VERSION,
) -> ChatPrompt:
    """Render one probe of ``instance`` with its options as "Option k: ..."; the answer is "Option k".

    ``demonstration_granularity`` shows the demonstrations at another granularity than the probe's options (the
    reasoner's training data mixes both); by default both use ``granularity``.
    """
    if not 0 <= probe_index < len(instance.probes):
        raise SplitError(
            f"Probe index {probe_index} is out of range for the {len(instance.probes)} probes of "
            f"{instance.respondent_id} (setup {instance.setup}).",
            hint=f"use an index from 0 to {len(instance.probes) - 1}",
        )
    _check_granularity(granularity)
    single = load_templates(version).single
    person = render_person(
        instance, demonstration_granularity or granularity, demographics=demographics, version=version
    )
    probe = instance.probes[probe_index]
    user = fill(single["user"], person=person, options=_options(single["option"], probe.options(granularity)))
    return ChatPrompt(system=single["system"], user=user, template_id=single["id"])


def format_single_answer(option_index: int, version: str = DEFAULT_VERSION) -> str:
    """Return the single-probe answer text for a zero-based option index ("Option 1" for index 0)."""
    return fill(load_templates(version).single["answer"], number=option_index + 1)


def render_loglik(
    instance: TaskInstance,
    granularity: Granularity,
    *,
    demographics: bool = False,
    version: str = DEFAULT_VERSION,
) -> LoglikPrompt:
    """Render a prefix shared by every probe, then per probe a context and one continuation per option.

    A backend scores ``prefix + context + continuation`` for each option and may encode the prefix once.
    """
    loglik = load_templates(version).loglik
    prefix = fill(
        loglik["prefix"],
        person=render_person(instance, granularity, demographics=demographics, version=version),
    )
    probes = tuple(
        LoglikProbe(
            question_id=p.question_id,
            context=fill(loglik["context"], wording=p.wording, question_id=p.question_id),
            continuations=tuple(fill(loglik["continuation"], text=text) for text in p.options(granularity)),
            answer=p.answer(granularity),
        )
        for p in instance.probes
    )
    return LoglikPrompt(prefix=prefix, probes=probes, template_id=loglik["id"])

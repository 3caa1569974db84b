"""`indievaluecatalog prompts`: print the prompt of one person, setup and number of demonstrations."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click

from indievaluecatalog.codebook import Granularity
from indievaluecatalog.prompts import ChatPrompt, LoglikPrompt, render_generate, render_loglik, render_single
from indievaluecatalog.splits import DEMO_COUNTS, TaskInstance, instances_for_people


def _probe_index(instance: TaskInstance, probe: str) -> int:
    """Return the index of ``probe``, given as a zero-based index or a question id."""
    ids = [p.question_id for p in instance.probes]
    if probe.upper() in ids:
        return ids.index(probe.upper())
    if probe.isdigit() and int(probe) < len(ids):
        return int(probe)
    raise click.BadParameter(
        f"{probe!r} is neither a probe question of this instance nor an index below {len(ids)}; "
        f"probes: {' '.join(ids)}",
        param_hint="--probe",
    )


def _chat_text(prompt: ChatPrompt) -> str:
    return f"[system]\n{prompt.system}\n\n[user]\n{prompt.user}"


def _loglik_text(prompt: LoglikPrompt) -> str:
    parts = [f"[prefix]\n{prompt.prefix}"]
    for probe in prompt.probes:
        options = "\n".join(f"  [{k}] {text!r}" for k, text in enumerate(probe.continuations))
        parts.append(f"[{probe.question_id} context]\n{probe.context}\n[continuations]\n{options}")
    return "\n\n".join(parts)


@click.command()
@click.argument("catalog_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--person", "respondent_id", required=True, help="Respondent id, e.g. R5b63b1e392a21a6c.")
@click.option(
    "--setup", type=click.IntRange(0, 2), default=0, show_default=True, help="Probe setup (0, 1 or 2)."
)
@click.option(
    "--demos",
    type=click.Choice(DEMO_COUNTS),
    default="200",
    show_default=True,
    help="Number of demonstrations.",
)
@click.option(
    "--format",
    "prompt_format",
    type=click.Choice(["generate", "single", "loglik"]),
    default="generate",
    show_default=True,
    help="Prompt format: all probes in one prompt, one probe per prompt, or log-likelihood.",
)
@click.option(
    "--granularity",
    type=click.Choice(["polar", "refined"]),
    default="polar",
    show_default=True,
    help="Granularity.",
)
@click.option(
    "--probe",
    default="0",
    show_default=True,
    help="Single format: probe as a zero-based index or a question id.",
)
@click.option("--demographics", is_flag=True, help="Add the person's demographic statements. Default: off.")
@click.option("--json", "as_json", is_flag=True, help="Print the prompt record as JSON instead of text.")
def prompts(
    catalog_dir: Path,
    respondent_id: str,
    setup: int,
    demos: str,
    prompt_format: str,
    granularity: Granularity,
    probe: str,
    demographics: bool,
    as_json: bool,
) -> None:
    """Print one prompt of a built catalog, for any respondent (evaluation or training pool)."""
    (instance,) = instances_for_people(
        catalog_dir, [respondent_id], setups=[setup], demos=demos, demographics=demographics
    )
    rendered: ChatPrompt | LoglikPrompt
    if prompt_format == "generate":
        rendered = render_generate(instance, granularity, demographics=demographics)
    elif prompt_format == "single":
        index = _probe_index(instance, probe)
        rendered = render_single(instance, index, granularity, demographics=demographics)
    else:
        rendered = render_loglik(instance, granularity, demographics=demographics)
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(rendered), indent=2, ensure_ascii=False))
    elif isinstance(rendered, ChatPrompt):
        click.echo(_chat_text(rendered))
    else:
        click.echo(_loglik_text(rendered))

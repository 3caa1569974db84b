"""`indievaluecatalog evaluate`: score a model or a baseline on a catalog and write a run directory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from indievaluecatalog.baselines import BASELINES
from indievaluecatalog.codebook import Granularity
from indievaluecatalog.evaluate import BACKENDS, FORMATS, EvaluationConfig, run_evaluation

GRANULARITY_CHOICES: dict[str, tuple[Granularity, ...]] = {
    "polar": ("polar",),
    "refined": ("refined",),
    "both": ("polar", "refined"),
}


def _parse_setups(_: click.Context, __: click.Parameter, value: str) -> tuple[int, ...]:
    try:
        setups = tuple(sorted({int(part) for part in value.split(",") if part.strip()}))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a comma-separated list of setups such as 0,1,2") from None
    if not setups or any(s not in (0, 1, 2) for s in setups):
        raise click.BadParameter(f"{value!r}: setups are 0, 1 and 2")
    return setups


def _parse_options(_: click.Context, __: click.Parameter, values: tuple[str, ...]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for item in values:
        key, separator, raw = item.partition("=")
        if not separator or not key:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE")
        try:
            options[key] = json.loads(raw)
        except json.JSONDecodeError:
            options[key] = raw
    return options


def _parse_note(entry: dict[str, Any]) -> str:
    """Return ", N of M answers unparsed" for the summary of a generation format, or "" without counts."""
    generation = entry.get("generation")
    if not generation or "parse_failed" not in generation:
        return ""
    return f", {generation['parse_failed']} of {generation['probes']} answers unparsed"


@click.command()
@click.option(
    "--catalog",
    required=True,
    help="Built catalog folder, or a Hub dataset id with a release tag (OWNER/NAME@v1.0.0), downloaded once.",
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Run directory. A rerun with the same settings resumes it; other settings are rejected.",
)
@click.option("--baseline", type=click.Choice(list(BASELINES)), help="Score a statistical baseline.")
@click.option("--model", help="Model name or path to score (with --backend and --format).")
@click.option("--backend", type=click.Choice(BACKENDS), help="Model backend.")
@click.option("--format", "prompt_format", type=click.Choice(FORMATS), help="Prompt format of the model.")
@click.option(
    "--granularity",
    type=click.Choice(list(GRANULARITY_CHOICES)),
    default="both",
    show_default=True,
    help="Option granularity to score.",
)
@click.option(
    "--demos",
    default="200",
    show_default=True,
    help="Demonstrations per person: 0, 50, 100, 150, 200 or mixed.",
)
@click.option(
    "--setups",
    default="0,1,2",
    show_default=True,
    callback=_parse_setups,
    help="Probe setups, comma-separated.",
)
@click.option(
    "--limit", type=click.IntRange(min=1), help="Evaluate only the first N people by id. Default: all."
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Seed of the scorer and of the bootstrap."
)
@click.option(
    "--demographics",
    is_flag=True,
    help="Add the person's demographic statements to model prompts. Rejected with --baseline.",
)
@click.option(
    "--bootstrap",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="Bootstrap resamples of people for 95% intervals (0 skips them).",
)
@click.option(
    "--option",
    "options",
    multiple=True,
    callback=_parse_options,
    metavar="KEY=VALUE",
    help="Scorer setting, repeatable: k=50 (resemblance), rank=32 (lowrank), min_cell=20, batch_size=16 ...",
)
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON instead of a summary.")
def evaluate(
    catalog: str,
    out: Path,
    baseline: str | None,
    model: str | None,
    backend: str | None,
    prompt_format: str | None,
    granularity: str,
    demos: str,
    setups: tuple[int, ...],
    limit: int | None,
    seed: int,
    demographics: bool,
    bootstrap: int,
    options: dict[str, Any],
    as_json: bool,
) -> None:
    """Evaluate a baseline or a model on the catalog's evaluation people and write RUN_DIR/results.json."""
    config = EvaluationConfig(
        catalog=catalog,
        granularities=GRANULARITY_CHOICES[granularity],
        baseline=baseline,
        model=model,
        backend=backend,
        format=prompt_format,
        demos=demos,
        setups=setups,
        limit=limit,
        seed=seed,
        demographics=demographics,
        bootstrap=bootstrap,
        options=options,
    )
    result = run_evaluation(config, out)
    metrics = result.results["metrics"]
    if as_json:
        click.echo(json.dumps(metrics, indent=2, sort_keys=True))
        return
    people = metrics["people"]
    noun = "person" if people == 1 else "people"
    click.echo(f"{config.scorer_name}: {people} {noun}, run directory {result.run_dir}")
    generates = config.format in ("generate", "single")
    for name, entry in metrics["granularities"].items():
        interval = entry.get("ci95")
        bounds = f" [{100 * interval[0]:.2f}, {100 * interval[1]:.2f}]" if interval else ""
        index = entry.get("inequity", {}).get("index")
        inequity = f", Value Inequity Index {index:.2f}" if index is not None else ""
        unparsed = _parse_note(entry) if generates else ""
        click.echo(f"  {name}: accuracy {100 * entry['accuracy']:.2f}%{bounds}{unparsed}{inequity}")
    if "overall" in metrics:
        click.echo(f"  overall: accuracy {100 * metrics['overall']['accuracy']:.2f}%")

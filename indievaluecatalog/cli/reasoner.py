"""`indievaluecatalog reasoner-data` and `indievaluecatalog train-reasoner`: the baseline reasoner."""

from __future__ import annotations

import json
from pathlib import Path

import click

from indievaluecatalog.cli._options import codebook_option
from indievaluecatalog.reasoner import (
    TrainingDataOptions,
    build_reasoner_data,
    load_reasoner_config,
    shipped_configs,
)
from indievaluecatalog.reasoner import train_reasoner as run_training
from indievaluecatalog.splits import DEFAULT_SEED


@click.command("reasoner-data")
@click.option(
    "--catalog",
    "catalog_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Built catalog folder (output of `indievaluecatalog build`).",
)
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="JSONL file to write."
)
@click.option(
    "--people-per-question",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Training people drawn per value question (Jiang et al., arXiv 2410.03868, use 100 to 1,600).",
)
@click.option(
    "--demos",
    type=click.Choice(["200", "mixed"]),
    default="mixed",
    show_default=True,
    help="Demonstrations per example: 200, or mixed (a uniform random count from 50 to 200 per example).",
)
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Random seed of every draw.")
@codebook_option("Codebook the catalog was built with")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def reasoner_data(
    catalog_dir: Path,
    out: Path,
    people_per_question: int,
    demos: str,
    seed: int,
    codebook_path: Path | None,
    as_json: bool,
) -> None:
    """Write single-probe chat examples of the training pool for fine-tuning the reasoner.

    Evaluation people never appear in the examples. A manifest of the run is written next to OUT as
    OUT.manifest.json.
    """
    options = TrainingDataOptions(people_per_question=people_per_question, demos=demos, seed=seed)  # type: ignore[arg-type]
    summary = build_reasoner_data(catalog_dir, out, options, codebook_path)
    if as_json:
        payload = {
            "path": str(summary.path),
            "manifest": str(summary.manifest_path),
            "n_examples": summary.n_examples,
            "combinations": summary.combinations,
            "sha256": summary.sha256,
        }
        click.echo(json.dumps(payload, indent=2))
        return
    combinations = ", ".join(f"{name} {count}" for name, count in summary.combinations.items())
    click.echo(f"Wrote {summary.n_examples} examples to {summary.path} ({combinations}).")


@click.command("train-reasoner")
@click.option(
    "--config",
    "config_name",
    required=True,
    help=f"YAML config file, or a shipped config: {', '.join(shipped_configs())}.",
)
@click.option("--resume", is_flag=True, help="Continue from the last checkpoint in the output folder.")
@click.option("--model", default=None, help="Override the config's model (Hugging Face id or local folder).")
@click.option(
    "--train-file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Override the config's training JSONL file.",
)
@click.option(
    "--output-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Override the config's output folder for checkpoints and the trained model.",
)
def train_reasoner(
    config_name: str, resume: bool, model: str | None, train_file: str | None, output_dir: str | None
) -> None:
    """Fine-tune a model on reasoner examples with TRL and save it, LoRA merged, with its tokenizer.

    Needs the train extra. For several GPUs, run the same config with
    `accelerate launch --num_processes N -m indievaluecatalog.reasoner.train --config FILE`.
    """
    config = load_reasoner_config(config_name).with_overrides(
        model=model, train_file=train_file, output_dir=output_dir
    )
    result = run_training(config, resume=resume)
    final_loss = f", final loss {result.losses[-1]:.4f}" if result.losses else ""
    click.echo(
        f"Saved the trained model to {result.output_dir} after {result.global_step} steps{final_loss}."
    )

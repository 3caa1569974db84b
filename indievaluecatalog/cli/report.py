"""`indievaluecatalog report`: a markdown report with plots comparing evaluation runs."""

from __future__ import annotations

from pathlib import Path

import click

from indievaluecatalog.evaluate import write_report


@click.command()
@click.argument("run_dirs", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for REPORT.md and its PNG plots (created when missing).",
)
def report(run_dirs: tuple[Path, ...], out: Path) -> None:
    """Compare the finished runs RUN_DIRS side by side, beside the published reference numbers."""
    path = write_report(list(run_dirs), out)
    click.echo(f"Wrote {path}")

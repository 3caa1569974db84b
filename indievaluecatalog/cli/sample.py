"""`indievaluecatalog sample`: write a synthetic WVS-7 file shaped like an official release."""

from __future__ import annotations

from pathlib import Path

import click

from indievaluecatalog.sample import FORMATS, LAYOUTS, read_sample_provenance, write_sample


@click.command()
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write; its folder must exist.",
)
@click.option(
    "--respondents",
    type=click.IntRange(min=1),
    default=3000,
    show_default=True,
    help="Number of wave-7 respondents (97220 for the size of the v6.0 file).",
)
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Random seed.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS, case_sensitive=False),
    default=None,
    help="File format. Default: from the suffix of --out. When --out ends in .sav, .zsav, .dta or .csv, "
    "the format must match that suffix.",
)
@click.option(
    "--version",
    "data_version",
    type=click.Choice(["6.0", "5.0"]),
    default="6.0",
    show_default=True,
    help="WVS-7 data version to imitate.",
)
@click.option(
    "--layout",
    type=click.Choice(LAYOUTS),
    default="official",
    show_default=True,
    help="official cross-national file, time-series file, joint EVS/WVS file, or a derivative export.",
)
@click.option(
    "--encoding",
    type=click.Choice(["utf-8", "latin-1"], case_sensitive=False),
    default=None,
    help="Text encoding; latin-1 works for .sav and .csv. Default: UTF-8.",
)
@click.option(
    "--sparse-respondents",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Respondents with only 5-39 valid value answers (for bad-input tests).",
)
@click.option(
    "--empty-respondents",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Respondents with no valid value answer (for bad-input tests).",
)
def sample(
    out: Path,
    respondents: int,
    seed: int,
    fmt: str | None,
    data_version: str,
    layout: str,
    encoding: str | None,
    sparse_respondents: int,
    empty_respondents: int,
) -> None:
    """Write a synthetic WVS-7 file: no real survey answers, the shape and labels of the official release."""
    path = write_sample(
        out,
        respondents=respondents,
        seed=seed,
        fmt=fmt.lower() if fmt else None,
        version=data_version,
        layout=layout,
        encoding=encoding,
        sparse_respondents=sparse_respondents,
        empty_respondents=empty_respondents,
    )
    provenance = read_sample_provenance(path, fmt=fmt)
    marker = provenance.describe() if provenance else "synthetic sample"
    click.echo(f"Wrote {path}: {marker}.")

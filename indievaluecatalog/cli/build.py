"""`indievaluecatalog build`: a raw WVS-7 file (or the built-in synthetic sample) to a catalog folder."""

from __future__ import annotations

import json
from pathlib import Path

import click

from indievaluecatalog.cli._options import codebook_option
from indievaluecatalog.convert import DEFAULT_OUT, BuildOptions, build_catalog


@click.command()
@click.argument("raw_file", required=False, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Output folder of the catalog. It must not exist, be empty, or be a catalog built earlier (with --overwrite).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail on label drift, absent or blank questions, a missing interview id and respondents without any "
    "valid answer. Default: warn and build what is there.",
)
@click.option("--overwrite", is_flag=True, help="Replace an existing catalog in --out. Default: off.")
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Seed of the seeded steps, recorded in the manifest.",
)
@codebook_option("Codebook YAML file")
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON instead of a summary.")
def build(
    raw_file: Path | None,
    out: Path,
    strict: bool,
    overwrite: bool,
    seed: int,
    codebook_path: Path | None,
    as_json: bool,
) -> None:
    """Build the catalog from RAW_FILE (.sav, .dta, .csv or a .zip holding one).

    Without RAW_FILE, builds from the built-in synthetic sample. The folder can then be loaded with
    `datasets.load_dataset(OUT, "respondents")` or `"statements"`.
    """
    options = BuildOptions(
        out=out, strict=strict, overwrite=overwrite, seed=seed, codebook_path=codebook_path
    )
    result = build_catalog(raw_file, options)
    if as_json:
        click.echo(json.dumps(result.manifest, indent=2, ensure_ascii=False))
        return
    source = result.manifest["source"]
    click.echo(
        f"Built {result.out} from {source['file']} ({source['layout']} layout, "
        f"WVS-7 version {source['wvs_version'] or 'unknown'})."
    )
    for name, rows in result.row_counts.items():
        click.echo(f"  {name}: {rows:,} rows")
    reports = result.manifest["reports"]
    click.echo(
        f"  label drift: {reports['label_drift']} difference(s); coverage gaps: {reports['coverage_gaps']} "
        f"(see {result.out / 'reports'})"
    )
    if result.warnings:
        click.echo(f"  {len(result.warnings)} warning(s); run with -v for details or see manifest.json.")

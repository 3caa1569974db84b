"""`indievaluecatalog publish`: release a built catalog as a tagged, verified version on the Hugging Face Hub."""

from __future__ import annotations

from pathlib import Path

import click

from indievaluecatalog.publish import PUBLIC_WARNING, publish_catalog


@click.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--repo-id",
    default=None,
    metavar="OWNER/NAME",
    help="Hub dataset repository to publish to. Default: <your Hub user>/indievaluecatalog.",
)
@click.option(
    "--version",
    "version",
    required=True,
    metavar="X.Y.Z",
    help="Dataset version (semantic versioning); the release is tagged vX.Y.Z. Required.",
)
@click.option(
    "--public",
    is_flag=True,
    help="Create the repository public. Default: private, because the WVS conditions of use forbid "
    "redistributing the data.",
)
@click.option(
    "--dry-run", is_flag=True, help="Check the folder and print every planned operation; contact no Hub."
)
def publish(folder: Path, repo_id: str | None, version: str, public: bool, dry_run: bool) -> None:
    """Publish the catalog in FOLDER to the Hub in one commit, verify it and tag it vX.Y.Z.

    The token comes from `hf auth login` or the HF_TOKEN environment variable. An existing tag is never
    replaced: publish a changed catalog under a new version.
    """
    if public:
        click.echo(f"Warning: {PUBLIC_WARNING}", err=True)
    result = publish_catalog(folder, version=version, repo_id=repo_id, public=public, dry_run=dry_run)
    if result.dry_run:
        click.echo(f"Dry run: nothing was sent to the Hub. Planned operations for {result.repo_id}:")
        for line in result.operations:
            click.echo(f"  {line}")
        click.echo(f"After publishing, pin the release with: {result.load_snippet()}")
        return
    visibility = "private" if result.private else "public"
    click.echo(
        f"Published dataset {result.repo_id} ({visibility}), commit {result.commit}, tag {result.tag}."
    )
    click.echo("Pin this release when loading it:")
    click.echo(f"  {result.load_snippet()}")

"""Command-line interface: one thin click module per command.

Commands are imported only when they run, so ``indievaluecatalog --help`` and the data commands start without
importing torch. Errors of the package are printed without a traceback and end the process with the error
family's exit code (see ``indievaluecatalog.errors``).
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import sys
from typing import Any

import click

from indievaluecatalog._version import __version__
from indievaluecatalog.errors import IndieValueCatalogError

# Command name -> "module:attribute" of its click command, in the order `--help` lists them.
COMMANDS: dict[str, str] = {
    "build": "indievaluecatalog.cli.build:build",
    "sample": "indievaluecatalog.cli.sample:sample",
    "codebook": "indievaluecatalog.cli.codebook:codebook",
    "prompts": "indievaluecatalog.cli.prompts:prompts",
    "evaluate": "indievaluecatalog.cli.evaluate:evaluate",
    "report": "indievaluecatalog.cli.report:report",
    "reasoner-data": "indievaluecatalog.cli.reasoner:reasoner_data",
    "train-reasoner": "indievaluecatalog.cli.reasoner:train_reasoner",
    "publish": "indievaluecatalog.cli.publish:publish",
}


class LazyGroup(click.Group):
    """A click group that imports each command's module only when the command is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, target in COMMANDS.items() if _module_exists(target)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None or not _module_exists(target):
            return None
        module_name, attribute = target.split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{target} is not a click command")
        return command


def _module_exists(target: str) -> bool:
    module_name = target.split(":")[0]
    try:
        return importlib.util.find_spec(module_name) is not None
    except ModuleNotFoundError:
        return False


def _configure_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING
    if verbose == 1:
        level = logging.INFO
    elif verbose >= 2:
        level = logging.DEBUG
    if quiet:
        level = logging.ERROR
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr, force=True
    )


@click.group(
    cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110}
)
@click.version_option(__version__, prog_name="indievaluecatalog")
@click.option("-v", "--verbose", count=True, help="Log INFO messages (-vv for DEBUG). Default: WARNING only.")
@click.option("-q", "--quiet", is_flag=True, help="Log errors only.")
@click.option(
    "--no-progress",
    is_flag=True,
    envvar="INDIEVALUECATALOG_NO_PROGRESS",
    help="Hide progress bars (environment: INDIEVALUECATALOG_NO_PROGRESS=1). Default: shown on a terminal.",
)
def cli(verbose: int, quiet: bool, no_progress: bool) -> None:
    """Build, evaluate and publish IndieValueCatalog: WVS-7 answers as first-person value statements."""
    _configure_logging(verbose, quiet)
    if no_progress:
        # Library code reads the environment, so the flag reaches every progress bar.
        os.environ["INDIEVALUECATALOG_NO_PROGRESS"] = "1"


def main(argv: list[str] | None = None) -> Any:
    """Run the command line; print package errors without a traceback and exit with their code."""
    try:
        return cli.main(args=argv, prog_name="indievaluecatalog", standalone_mode=False)
    except IndieValueCatalogError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(error.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)

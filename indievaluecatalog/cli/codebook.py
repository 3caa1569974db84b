"""`indievaluecatalog codebook`: check, show, count and export the codebook."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

import click

from indievaluecatalog.cli._options import codebook_option
from indievaluecatalog.codebook import (
    GRANULARITIES,
    Codebook,
    DemographicItem,
    ExcludedQuestion,
    ValueQuestion,
    check_codebook,
    load_codebook,
)

CODEBOOK_OPTION = codebook_option("Codebook YAML file")


@click.group()
def codebook() -> None:
    """Inspect and validate the versioned WVS-7 codebook."""


@codebook.command()
@CODEBOOK_OPTION
def check(codebook_path: Path | None) -> None:
    """Validate the codebook and render every statement for every code.

    Exits 0 when the codebook is clean; otherwise lists every problem, each naming its question or item and
    code, and exits 3.
    """
    report = check_codebook(codebook_path)
    if report.ok:
        click.echo(f"{report.path}: OK, {report.statements_rendered} statements rendered.")
        return
    for problem in report.problems:
        click.echo(str(problem))
    click.echo(f"{report.path}: {len(report.problems)} problem(s).", err=True)
    raise SystemExit(3)


@codebook.command()
@click.argument("entry_id")
@CODEBOOK_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def show(entry_id: str, codebook_path: Path | None, as_json: bool) -> None:
    """Show one entry: a value question (Q131) with its options at both granularities, a demographic item (sex
    or its variable Q260) or an excluded question (Q82) with its reason."""
    book = load_codebook(codebook_path)
    entry = _find_entry(book, entry_id)
    if as_json:
        click.echo(json.dumps(_entry_json(entry), indent=2, ensure_ascii=False))
        return
    if isinstance(entry, ValueQuestion):
        _echo_question(entry)
    elif isinstance(entry, DemographicItem):
        _echo_demographic(entry)
    else:
        click.echo(f"{entry.id} [{entry.category}] {entry.label}")
        click.echo(f"  Excluded from the catalog: {entry.reason}")


def _find_entry(book: Codebook, entry_id: str) -> ValueQuestion | DemographicItem | ExcludedQuestion:
    """Return the question, demographic item (by id or WVS variable) or excluded question named ``entry_id``."""
    for question in book.questions:
        if question.id == entry_id:
            return question
    for item in book.demographics:
        if entry_id in (item.id, item.variable):
            return item
    for excluded in book.excluded:
        if excluded.id == entry_id:
            return excluded
    names = [q.id for q in book.questions] + [d.id for d in book.demographics]
    names += [d.variable for d in book.demographics if d.variable] + [e.id for e in book.excluded]
    close = difflib.get_close_matches(entry_id, names, n=3)
    suggestion = f" Did you mean {', '.join(close)}?" if close else ""
    raise click.BadParameter(
        f"No value question, demographic item or excluded question is named {entry_id!r}.{suggestion}",
        param_hint="ENTRY_ID",
    )


def _echo_question(question: ValueQuestion) -> None:
    click.echo(f"{question.id} [{question.category}, {question.type}] {question.label}")
    click.echo(f"  {question.wording}")
    click.echo("  codes: " + "; ".join(f"{c} = {label}" for c, label in question.codes.items()))
    if question.outside_codes:
        outside = "; ".join(f"{c} = {label}" for c, label in question.outside_codes.items())
        click.echo(f"  outside every option (stored as missing): {outside}")
    for granularity in GRANULARITIES:
        click.echo(f"  {granularity}:")
        for option in question.options(granularity):
            codes = ",".join(str(c) for c in option.codes)
            click.echo(f"    {option.index + 1}. [{codes}] {option.statement}")


def _echo_demographic(item: DemographicItem) -> None:
    click.echo(f"{item.id} ({item.variable or 'derived'}): {item.label} [{item.kind}]")
    click.echo(f"  {item.wording}")
    for code, text in item.statements.items():
        click.echo(f"  {code:>4}  {item.codes.get(code, '')}: {text}")
    if item.template:
        click.echo(f"  template: {item.template}")


def _entry_json(entry: ValueQuestion | DemographicItem | ExcludedQuestion) -> dict[str, Any]:
    if isinstance(entry, ValueQuestion):
        return question_to_json(entry)
    if isinstance(entry, DemographicItem):
        return _demographic_json(entry)
    return {"id": entry.id, "category": entry.category, "label": entry.label, "reason": entry.reason}


def _demographic_json(item: DemographicItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "variable": item.variable,
        "label": item.label,
        "kind": item.kind,
        "codes": {str(k): v for k, v in item.codes.items()},
        "statements": {str(k): v for k, v in item.statements.items()},
        "template": item.template,
        "dimension": item.dimension,
    }


def codebook_stats(book: Codebook) -> dict[str, Any]:
    """Return the headline counts of a codebook."""
    return {
        "value_questions": len(book.questions),
        "excluded_questions": len(book.excluded),
        "polar_options": len(book.options("polar")),
        "refined_options": len(book.options("refined")),
        "demographic_items": len(book.demographics),
        "countries": len(book.countries),
        "version": book.version,
    }


@codebook.command()
@CODEBOOK_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def stats(codebook_path: Path | None, as_json: bool) -> None:
    """Count questions, options, demographic items and countries."""
    counts = codebook_stats(load_codebook(codebook_path))
    if as_json:
        click.echo(json.dumps(counts))
        return
    for key, value in counts.items():
        click.echo(f"{key}: {value}")


def question_to_json(question: ValueQuestion) -> dict[str, Any]:
    """Return one value question as a JSON-ready dict."""
    return {
        "id": question.id,
        "category": question.category,
        "type": question.type,
        "label": question.label,
        "wording": question.wording,
        "aliases": {"timeseries": question.aliases.timeseries, "joint": question.aliases.joint},
        "codes": {str(k): v for k, v in question.codes.items()},
        "missing_codes": {str(k): v for k, v in question.missing_codes.items()},
        "polar_groups": [list(o.codes) for o in question.polar],
        "refined_groups": [list(o.codes) for o in question.refined],
        "polar_statements": [o.statement for o in question.polar],
        "refined_statements": [o.statement for o in question.refined],
    }


@codebook.command()
@CODEBOOK_OPTION
@click.option(
    "--json", "as_json", is_flag=True, default=True, help="Print JSON (the only format). Default: on."
)
def export(codebook_path: Path | None, as_json: bool) -> None:
    """Print the whole codebook as JSON: one object per question, then exclusions, demographics and countries."""
    book = load_codebook(codebook_path)
    document = {
        "name": book.name,
        "version": book.version,
        "wave": book.wave,
        "categories": list(book.categories),
        "questions": [question_to_json(q) for q in book.questions],
        "excluded": [
            {"id": e.id, "category": e.category, "label": e.label, "reason": e.reason} for e in book.excluded
        ],
        "demographics": [_demographic_json(d) for d in book.demographics],
        "countries": [
            {"code": c.code, "name": c.name, "alpha3": c.alpha3, "continent": c.continent}
            for c in book.countries
        ],
    }
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))

"""Semantic checks of a codebook: coverage of codes, statements, and groupings against the reference."""

from __future__ import annotations

import csv
import json
import string
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from indievaluecatalog._resources import data_path
from indievaluecatalog.codebook._load import (
    build_codebook,
    default_codebook_path,
    duplicate_id_problems,
    read_codebook_document,
    schema_problems,
)
from indievaluecatalog.codebook._records import GRANULARITIES, Codebook, DemographicItem, ValueQuestion
from indievaluecatalog.errors import CodebookError

REFERENCE_GROUPINGS = "wvs7_groupings_reference.csv"


@dataclass(frozen=True)
class CodebookProblem:
    """One problem found by :func:`check_codebook`."""

    entry: str
    """Question id, demographic item id or codebook section the problem sits in."""
    code: int | None
    """Answer code involved, when there is one."""
    message: str

    def __str__(self) -> str:
        where = self.entry if self.code is None else f"{self.entry} code {self.code}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class CheckReport:
    """Result of :func:`check_codebook`."""

    path: str
    problems: tuple[CodebookProblem, ...]
    statements_rendered: int
    """Number of (question or item, code, granularity) statements rendered without error."""

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems


@dataclass(frozen=True)
class ReferenceGrouping:
    """The grouping of one question in the original IndieValueCatalog release."""

    question_id: str
    category: str
    question_type: str
    valid_codes: tuple[int, ...]
    polar: tuple[tuple[int, ...], ...]
    refined: tuple[tuple[int, ...], ...]


def load_reference_groupings(path: str | Path | None = None) -> dict[str, ReferenceGrouping]:
    """Read the reference groupings table shipped in ``codebooks/``."""
    resolved = Path(path) if path is not None else data_path("codebooks", REFERENCE_GROUPINGS)
    groupings = {}
    with resolved.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            groupings[row["question_id"]] = ReferenceGrouping(
                question_id=row["question_id"],
                category=row["category"],
                question_type=row["question_type"],
                valid_codes=tuple(json.loads(row["valid_codes"])),
                polar=tuple(tuple(group) for group in json.loads(row["polar_groups"])),
                refined=tuple(tuple(group) for group in json.loads(row["refined_groups"])),
            )
    return groupings


def check_codebook(
    path: str | Path | None = None, reference: dict[str, ReferenceGrouping] | None = None
) -> CheckReport:
    """Validate a codebook file and render every statement for every code.

    Returns every problem at once instead of stopping at the first. ``reference`` defaults to the groupings
    of the original release shipped with the package; pass an empty dict to skip that comparison.
    """
    resolved = Path(path) if path is not None else default_codebook_path()
    try:
        document = read_codebook_document(resolved)
    except CodebookError as error:
        return CheckReport(str(resolved), (CodebookProblem("(file)", None, error.message),), 0)
    structural = [_problem_from_text(p) for p in schema_problems(document) + duplicate_id_problems(document)]
    try:
        codebook = build_codebook(document, str(resolved))
    except (KeyError, TypeError, ValueError, AttributeError):
        # Too broken to load into records: the schema problems already say why.
        return CheckReport(str(resolved), tuple(structural), 0)
    problems: list[CodebookProblem] = list(structural)
    rendered = _check_integrity(codebook, problems)
    groupings = load_reference_groupings() if reference is None else reference
    if groupings:
        _check_reference(codebook, groupings, problems)
    return CheckReport(str(resolved), tuple(problems), rendered)


def integrity_problems(codebook: Codebook) -> list[CodebookProblem]:
    """Return the problems that make a codebook unusable for a build, whatever the reference groupings.

    Every code in exactly one option per granularity, option codes among the question's codes, categories known,
    statements present and distinct, demographic templates that render.
    """
    problems: list[CodebookProblem] = []
    _check_integrity(codebook, problems)
    return problems


def _check_integrity(codebook: Codebook, problems: list[CodebookProblem]) -> int:
    rendered = 0
    for question in codebook.questions:
        rendered += _check_question(question, codebook, problems)
    for item in codebook.demographics:
        rendered += _check_demographic(item, problems)
    _check_duplicate_statements(codebook, problems)
    return rendered


def _problem_from_text(problem: str) -> CodebookProblem:
    entry, _, message = problem.partition(": ")
    return CodebookProblem(entry, None, message)


def _check_question(question: ValueQuestion, codebook: Codebook, problems: list[CodebookProblem]) -> int:
    rendered = 0
    if question.category not in codebook.categories:
        problems.append(
            CodebookProblem(question.id, None, f"category {question.category!r} is not in categories")
        )
    overlap = set(question.codes) & set(question.outside_codes)
    for code in sorted(overlap):
        problems.append(
            CodebookProblem(question.id, code, "code is listed both in codes and in outside_codes")
        )
    for granularity in GRANULARITIES:
        options = question.options(granularity)
        owners: dict[int, list[int]] = {}
        for option in options:
            for code in option.codes:
                owners.setdefault(code, []).append(option.index)
                if code not in question.codes:
                    problems.append(
                        CodebookProblem(
                            question.id,
                            code,
                            f"{granularity} option {option.index + 1} uses a code not in codes",
                        )
                    )
            if not option.statement.strip():
                problems.append(
                    CodebookProblem(
                        question.id, None, f"{granularity} option {option.index + 1} has an empty statement"
                    )
                )
            elif option.statement.strip()[-1] not in ".!?":
                problems.append(
                    CodebookProblem(
                        question.id,
                        None,
                        f"{granularity} option {option.index + 1} statement does not end a sentence",
                    )
                )
        for code in question.codes:
            holders = owners.get(code, [])
            if not holders:
                problems.append(
                    CodebookProblem(question.id, code, f"code is covered by no {granularity} option")
                )
            elif len(holders) > 1:
                listed = ", ".join(str(i + 1) for i in holders)
                problems.append(
                    CodebookProblem(question.id, code, f"code is in {granularity} options {listed}")
                )
            else:
                owner = question.option_for_code(code, granularity)
                if owner is not None and owner.statement.strip():
                    rendered += 1
        texts = Counter(option.statement.strip() for option in options)
        for text, count in texts.items():
            if count > 1 and text:
                problems.append(
                    CodebookProblem(
                        question.id, None, f"{granularity} statement repeated {count} times: {text!r}"
                    )
                )
    for refined in question.refined:
        if not any(set(refined.codes) <= set(polar.codes) for polar in question.polar):
            problems.append(
                CodebookProblem(
                    question.id,
                    None,
                    f"refined option {refined.index + 1} {list(refined.codes)} straddles two polar options",
                )
            )
    return rendered


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


_TEMPLATE_FIELDS = {"count": {"value"}, "country": {"name"}, "open": {"label"}}


def _check_demographic(item: DemographicItem, problems: list[CodebookProblem]) -> int:
    rendered = 0
    if item.kind == "coded":
        for code in sorted(set(item.codes) - set(item.statements)):
            problems.append(CodebookProblem(item.id, code, "code has no statement"))
        for code in sorted(set(item.statements) - set(item.codes)):
            problems.append(CodebookProblem(item.id, code, "statement given for a code not in codes"))
    if item.template is not None:
        expected = _TEMPLATE_FIELDS.get(item.kind, set())
        found = _placeholders(item.template)
        if found != expected:
            problems.append(
                CodebookProblem(
                    item.id, None, f"template fields {sorted(found)} should be {sorted(expected)}"
                )
            )
            return rendered
    texts = Counter(text.strip() for text in item.statements.values())
    for text, count in texts.items():
        if count > 1:
            problems.append(CodebookProblem(item.id, None, f"statement repeated {count} times: {text!r}"))
    for code, text in item.statements.items():
        if not text.strip():
            problems.append(CodebookProblem(item.id, code, "empty statement"))
        elif item.render(code) == text:
            rendered += 1
    if item.kind == "count" and item.minimum is not None and item.maximum is not None:
        for value in range(item.minimum, item.maximum + 1):
            if item.render(value):
                rendered += 1
            else:
                problems.append(CodebookProblem(item.id, value, "value does not render"))
    if item.kind in ("country", "open") and item.render(1, label="Example") is None:
        problems.append(CodebookProblem(item.id, None, "template does not render"))
    return rendered


def _check_duplicate_statements(codebook: Codebook, problems: list[CodebookProblem]) -> None:
    for granularity in GRANULARITIES:
        first_seen: dict[str, str] = {}
        for option in codebook.options(granularity):
            text = option.statement.strip()
            if not text:
                continue
            other = first_seen.get(text)
            if other is not None and other != option.question_id:
                problems.append(
                    CodebookProblem(
                        option.question_id, None, f"{granularity} statement {text!r} is also used by {other}"
                    )
                )
            first_seen.setdefault(text, option.question_id)


def _check_reference(
    codebook: Codebook, reference: dict[str, ReferenceGrouping], problems: list[CodebookProblem]
) -> None:
    ids = {q.id for q in codebook.questions}
    for question_id in sorted(set(reference) - ids, key=_question_order):
        problems.append(CodebookProblem(question_id, None, "question of the reference groupings is missing"))
    for question in codebook.questions:
        expected = reference.get(question.id)
        if expected is None:
            problems.append(CodebookProblem(question.id, None, "question is not in the reference groupings"))
            continue
        if question.category != expected.category:
            problems.append(
                CodebookProblem(
                    question.id, None, f"category {question.category!r}, reference {expected.category!r}"
                )
            )
        if question.type != expected.question_type:
            problems.append(
                CodebookProblem(
                    question.id, None, f"type {question.type!r}, reference {expected.question_type!r}"
                )
            )
        if tuple(sorted(question.codes)) != tuple(sorted(expected.valid_codes)):
            problems.append(
                CodebookProblem(
                    question.id,
                    None,
                    f"codes {sorted(question.codes)}, reference {list(expected.valid_codes)}",
                )
            )
        for granularity in GRANULARITIES:
            actual = tuple(option.codes for option in question.options(granularity))  # type: ignore[arg-type]
            wanted = expected.polar if granularity == "polar" else expected.refined
            if actual != wanted:
                problems.append(
                    CodebookProblem(
                        question.id,
                        None,
                        f"{granularity} grouping {[list(g) for g in actual]} differs from the reference "
                        f"{[list(g) for g in wanted]}",
                    )
                )


def _question_order(question_id: str) -> tuple[int, str]:
    digits = "".join(ch for ch in question_id if ch.isdigit())
    return (int(digits) if digits else 0, question_id)

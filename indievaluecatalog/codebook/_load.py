"""Load a codebook YAML file into frozen records, collecting every structural problem at once."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from indievaluecatalog._resources import data_path
from indievaluecatalog.codebook._records import (
    Aliases,
    Codebook,
    Country,
    DemographicItem,
    ExcludedQuestion,
    FileVariable,
    Granularity,
    MissingReason,
    Option,
    ValueQuestion,
)
from indievaluecatalog.errors import CodebookError

DEFAULT_CODEBOOK = "wvs7.yaml"


def default_codebook_path() -> Path:
    """Return the path of the codebook that ships with the package."""
    return data_path("codebooks", DEFAULT_CODEBOOK)


def codebook_schema() -> dict[str, Any]:
    """Return the JSON Schema that every codebook file must satisfy."""
    with data_path("schemas", "codebook.schema.json").open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


def read_codebook_document(path: str | Path) -> dict[str, Any]:
    """Parse a codebook file as YAML; raise CodebookError naming the file and line when it is malformed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CodebookError(
            f"Codebook file {path} not found.",
            hint="pass an existing file, or omit the option to use the codebook shipped with the package",
        ) from None
    except UnicodeDecodeError as error:
        raise CodebookError(
            f"Codebook file {path} is not UTF-8 text: {error}.", hint="save it as UTF-8"
        ) from None
    try:
        # The C loader (libyaml) parses the codebook about 15 times faster than the pure-Python one.
        document = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise CodebookError(
            f"Codebook file {path} is not valid YAML{where}: {getattr(error, 'problem', error)}.",
            hint="fix the YAML syntax at that line",
        ) from None
    if not isinstance(document, dict):
        raise CodebookError(f"Codebook file {path} must contain a YAML mapping at the top level.")
    return document


def schema_problems(document: Mapping[str, Any]) -> list[str]:
    """Return every JSON Schema violation of a parsed codebook, each naming the entry it sits in."""
    validator = jsonschema.Draft202012Validator(codebook_schema())
    problems = []
    for error in sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path]):
        message = error.message
        if error.validator == "pattern" and error.validator_value == "\\S":
            message = "must not be empty or blank"
        problems.append(f"{_describe_path(document, list(error.absolute_path))}: {message}")
    return problems


def _describe_path(document: Mapping[str, Any], path: list[Any]) -> str:
    """Turn a JSON path such as ['questions', 4, 'polar'] into 'questions[Q5].polar'."""
    parts: list[str] = []
    node: Any = document
    for key in path:
        if isinstance(key, int) and isinstance(node, list):
            entry = node[key] if key < len(node) else None
            name = None
            if isinstance(entry, dict):
                name = entry.get("id") or entry.get("name") or entry.get("code")
            parts[-1] = f"{parts[-1]}[{name if name is not None else key}]" if parts else f"[{key}]"
            node = entry
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return ".".join(parts) or "(top level)"


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load and validate a codebook; with no ``path``, the codebook shipped with the package.

    Raises CodebookError listing every schema violation, duplicate id and integrity problem (a code in no option
    or in two, an unknown code or category, a missing or repeated statement), each naming its entry.
    The shipped codebook is parsed once per process.
    """
    resolved = Path(path) if path is not None else default_codebook_path()
    return _load_cached(str(resolved.resolve()))


@functools.lru_cache(maxsize=8)
def _load_cached(path: str) -> Codebook:
    document = read_codebook_document(path)
    problems = schema_problems(document)
    problems += duplicate_id_problems(document) if not problems else []
    if not problems:
        codebook = build_codebook(document, path)
        # Imported here because the checks build on this module's loader.
        from indievaluecatalog.codebook._check import integrity_problems

        problems = [str(problem) for problem in integrity_problems(codebook)]
    if problems:
        listing = "\n".join(f"  - {p}" for p in problems)
        raise CodebookError(
            f"Codebook file {path} has {len(problems)} problem(s):\n{listing}",
            hint="fix each entry named above, then run `indievaluecatalog codebook check`",
        )
    return codebook


def duplicate_id_problems(document: Mapping[str, Any]) -> list[str]:
    """Return a problem for every question, demographic item, country or variable id listed twice."""
    problems = []
    seen: dict[str, str] = {}
    sections = [("questions", "id"), ("excluded", "id"), ("demographics", "id"), ("other_variables", "name")]
    for section, key in sections:
        for entry in document.get(section, []):
            name = str(entry[key])
            if name in seen:
                problems.append(f"{section}[{name}]: id {name} is listed twice (also in {seen[name]})")
            else:
                seen[name] = section
    codes: set[int] = set()
    for country in document.get("countries", []):
        if country["code"] in codes:
            problems.append(f"countries[{country['code']}]: country code {country['code']} is listed twice")
        codes.add(country["code"])
    return problems


def _aliases(entry: Mapping[str, Any]) -> Aliases:
    raw = entry.get("aliases") or {}
    return Aliases(timeseries=raw.get("timeseries"), joint=raw.get("joint"))


def _int_map(raw: Mapping[Any, str] | None) -> dict[int, str]:
    return {int(code): str(label) for code, label in (raw or {}).items()}


def _options(question_id: str, granularity: Granularity, raw: list[Mapping[str, Any]]) -> tuple[Option, ...]:
    return tuple(
        Option(
            question_id=question_id,
            granularity=granularity,
            index=index,
            codes=tuple(int(c) for c in entry["codes"]),
            statement=str(entry["statement"]),
        )
        for index, entry in enumerate(raw)
    )


def build_codebook(document: Mapping[str, Any], path: str = "") -> Codebook:
    """Turn a schema-valid codebook document into records."""
    questions = tuple(
        ValueQuestion(
            id=q["id"],
            category=q["category"],
            type=q["type"],
            label=q["label"],
            wording=q["wording"],
            aliases=_aliases(q),
            codes=_int_map(q["codes"]),
            outside_codes=_int_map(q.get("outside_codes")),
            missing_codes=_int_map(q.get("missing_codes")),
            polar=_options(q["id"], "polar", q["polar"]),
            refined=_options(q["id"], "refined", q["refined"]),
        )
        for q in document["questions"]
    )
    excluded = tuple(
        ExcludedQuestion(
            id=e["id"],
            category=e["category"],
            label=e["label"],
            reason=e["reason"],
            aliases=_aliases(e),
            codes=_int_map(e.get("codes")),
            missing_codes=_int_map(e.get("missing_codes")),
        )
        for e in document.get("excluded", [])
    )
    demographics = tuple(
        DemographicItem(
            id=d["id"],
            variable=d.get("variable"),
            label=d["label"],
            wording=d["wording"],
            kind=d["kind"],
            codes=_int_map(d.get("codes")),
            statements=_int_map(d.get("statements")),
            template=d.get("template"),
            minimum=d.get("min"),
            maximum=d.get("max"),
            dimension=d.get("dimension"),
            aliases=_aliases(d),
            missing_codes=_int_map(d.get("missing_codes")),
        )
        for d in document.get("demographics", [])
    )
    countries = tuple(
        Country(
            code=int(c["code"]),
            name=c["name"],
            alpha3=c["alpha3"],
            continent=c["continent"],
            wvs7_v6_respondents=c.get("wvs7_v6_respondents"),
        )
        for c in document.get("countries", [])
    )
    other = tuple(
        FileVariable(
            name=v["name"],
            label=v["label"],
            section=v.get("section", ""),
            type=v.get("type", ""),
            aliases=_aliases(v),
            value_labels=_int_map(v.get("value_labels")),
        )
        for v in document.get("other_variables", [])
    )
    return Codebook(
        name=document["name"],
        version=str(document["version"]),
        wave=int(document["wave"]),
        title=document.get("title", ""),
        sources=tuple(document.get("sources", [])),
        missing_reasons=tuple(
            MissingReason(code=int(r["code"]), reason=r["reason"], label=r["label"])
            for r in document["missing_reasons"]
        ),
        categories=tuple(document["categories"]),
        questions=questions,
        excluded=excluded,
        demographics=demographics,
        countries=countries,
        other_variables=other,
        path=path,
    )

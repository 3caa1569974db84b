"""Versioned prompt templates shipped inside the package (``prompts/templates/<version>/*.yaml``)."""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

import yaml

from indievaluecatalog.errors import IndieValueCatalogError

DEFAULT_VERSION = "v1"
TEMPLATE_NAMES = ("person", "generate", "single", "loglik")

# Keys each template file must define, with the placeholders each key may use.
_FIELDS: dict[str, dict[str, frozenset[str]]] = {
    "person": {
        "statements": frozenset({"lines"}),
        "demographics": frozenset({"lines"}),
        "nothing_known": frozenset(),
        "line": frozenset({"text"}),
    },
    "generate": {
        "id": frozenset(),
        "system": frozenset(),
        "user": frozenset({"person", "n_probes", "probes", "example"}),
        "probe": frozenset({"question_id", "options"}),
        "option": frozenset({"number", "text"}),
    },
    "single": {
        "id": frozenset(),
        "system": frozenset(),
        "user": frozenset({"person", "options"}),
        "option": frozenset({"number", "text"}),
        "answer": frozenset({"number"}),
    },
    "loglik": {
        "id": frozenset(),
        "prefix": frozenset({"person"}),
        "context": frozenset({"wording", "question_id"}),
        "continuation": frozenset({"text"}),
    },
}


class PromptTemplateError(IndieValueCatalogError):
    """A prompt template version is unknown or one of its files is malformed."""


@dataclass(frozen=True)
class TemplateSet:
    """The four template files of one version, parsed; ``texts`` keeps each file's text for results."""

    version: str
    person: Mapping[str, str]
    generate: Mapping[str, str]
    single: Mapping[str, str]
    loglik: Mapping[str, str]
    texts: Mapping[str, str]
    """File text per template id, e.g. ``generate/v1``."""


def available_versions() -> list[str]:
    """Return the template versions shipped with the package, sorted."""
    root = resources.files("indievaluecatalog.prompts").joinpath("templates")
    return sorted(entry.name for entry in root.iterdir() if entry.is_dir() and not entry.name.startswith("_"))


@functools.lru_cache(maxsize=4)
def load_templates(version: str = DEFAULT_VERSION) -> TemplateSet:
    """Load and check the templates of ``version``; raise PromptTemplateError naming the file and key."""
    folder = resources.files("indievaluecatalog.prompts").joinpath("templates", version)
    if not folder.is_dir():
        raise PromptTemplateError(
            f"Prompt template version {version!r} is not shipped with this package.",
            hint=f"use one of {available_versions()}",
        )
    parsed: dict[str, dict[str, str]] = {}
    texts: dict[str, str] = {}
    for name in TEMPLATE_NAMES:
        location = f"templates/{version}/{name}.yaml"
        try:
            text = folder.joinpath(f"{name}.yaml").read_text(encoding="utf-8")
        except FileNotFoundError:
            raise PromptTemplateError(f"Prompt template {location} is missing from the package.") from None
        document = yaml.safe_load(text)
        if not isinstance(document, dict):
            raise PromptTemplateError(f"Prompt template {location} must be a YAML mapping.")
        parsed[name] = {str(k): str(v) for k, v in document.items()}
        _check_fields(location, name, parsed[name])
        texts[f"{name}/{version}"] = text
    return TemplateSet(
        version, parsed["person"], parsed["generate"], parsed["single"], parsed["loglik"], texts
    )


def _check_fields(location: str, name: str, document: Mapping[str, str]) -> None:
    for key, allowed in _FIELDS[name].items():
        if key not in document:
            raise PromptTemplateError(f"Prompt template {location} has no key {key!r}.")
        used = {
            match.group("named") or match.group("braced")
            for match in string.Template.pattern.finditer(document[key])
            if match.group("named") or match.group("braced")
        }
        unknown = sorted(used - allowed)
        if unknown:
            raise PromptTemplateError(
                f"Prompt template {location}, key {key!r}, uses unknown placeholders {unknown}.",
                hint=f"use only {sorted(allowed)}",
            )


def fill(template: str, **values: object) -> str:
    """Substitute ``values`` into a ``string.Template`` text; every placeholder must be given."""
    return string.Template(template).substitute({k: str(v) for k, v in values.items()})


def template_texts(version: str = DEFAULT_VERSION) -> dict[str, str]:
    """Return the text of every template file of ``version``, keyed by template id, to save with results."""
    return dict(load_templates(version).texts)

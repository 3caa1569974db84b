"""The three probe setups: which 39 value questions are held out as probes in each."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from indievaluecatalog._resources import data_path
from indievaluecatalog.codebook import Codebook
from indievaluecatalog.errors import CodebookError

DEFAULT_SETUPS_FILE = "wvs7_probe_setups.yaml"


@dataclass(frozen=True)
class ProbeSetup:
    """One probe setup: the probe questions of every category, in codebook order."""

    setup: int
    probes_by_category: tuple[tuple[str, tuple[str, ...]], ...]
    """(category, question ids) pairs in category order."""

    @property
    def question_ids(self) -> tuple[str, ...]:
        """The setup's probe questions, category by category."""
        return tuple(q for _, ids in self.probes_by_category for q in ids)


@dataclass(frozen=True)
class ProbeSetups:
    """The probe setups file loaded into records."""

    name: str
    version: str
    items_per_category: int
    setups: tuple[ProbeSetup, ...]
    path: str = field(default="", compare=False)

    def setup(self, index: int) -> ProbeSetup:
        """Return setup ``index``; raise CodebookError listing the known setups when absent."""
        for setup in self.setups:
            if setup.setup == index:
                return setup
        known = [s.setup for s in self.setups]
        raise CodebookError(
            f"Probe setup {index} is not defined in {self.path or DEFAULT_SETUPS_FILE}; known setups: {known}.",
            hint=f"use one of {known}",
        )

    @property
    def distinct_questions(self) -> tuple[str, ...]:
        """Every question that is a probe in at least one setup, in first-seen order."""
        seen: dict[str, None] = {}
        for setup in self.setups:
            for question_id in setup.question_ids:
                seen.setdefault(question_id, None)
        return tuple(seen)


def setups_from_rule(
    codebook: Codebook, n_setups: int = 3, items_per_category: int = 3
) -> tuple[ProbeSetup, ...]:
    """Apply the setup rule to ``codebook``: setup k takes each category's items 3k, 3k+1, 3k+2, wrapping around."""
    setups = []
    for k in range(n_setups):
        by_category = []
        for category in codebook.categories:
            ids = [q.id for q in codebook.questions if q.category == category]
            if not ids:
                continue
            start = items_per_category * k
            chosen = tuple(ids[(start + i) % len(ids)] for i in range(items_per_category))
            by_category.append((category, chosen))
        setups.append(ProbeSetup(setup=k, probes_by_category=tuple(by_category)))
    return tuple(setups)


def default_setups_path() -> Path:
    """Return the path of the probe setups file that ships with the package."""
    return data_path("codebooks", DEFAULT_SETUPS_FILE)


def load_probe_setups(path: str | Path | None = None, codebook: Codebook | None = None) -> ProbeSetups:
    """Load the probe setups file; with ``codebook``, also check that every listed question is in it.

    Raises CodebookError naming the file and the entry when the file is missing or malformed.
    """
    resolved = str(Path(path) if path is not None else default_setups_path())
    setups = _load_cached(resolved)
    if codebook is not None:
        known = {q.id for q in codebook.questions}
        unknown = [q for q in setups.distinct_questions if q not in known]
        if unknown:
            raise CodebookError(
                f"Probe setups file {resolved} lists questions that codebook {codebook.name} "
                f"{codebook.version} does not contain: {unknown}.",
                hint="list only value questions of the codebook, or pass the codebook the setups were made for",
            )
    return setups


@functools.lru_cache(maxsize=4)
def _load_cached(path: str) -> ProbeSetups:
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CodebookError(
            f"Probe setups file {path} not found.",
            hint="omit the path to use the file shipped with the package",
        ) from None
    except yaml.YAMLError as error:
        raise CodebookError(f"Probe setups file {path} is not valid YAML: {error}.") from None
    try:
        entries = document["setups"]
        items = int(document["rule"]["items_per_category"])
        setups = []
        for entry in entries:
            by_category = tuple((str(c), tuple(str(q) for q in ids)) for c, ids in entry["probes"].items())
            setups.append(ProbeSetup(setup=int(entry["setup"]), probes_by_category=by_category))
        return ProbeSetups(
            name=str(document["name"]),
            version=str(document["version"]),
            items_per_category=items,
            setups=tuple(setups),
            path=path,
        )
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise CodebookError(
            f"Probe setups file {path} is malformed ({type(error).__name__}: {error}).",
            hint="each entry of `setups` needs `setup` (an integer) and `probes` (category: [question ids])",
        ) from None

"""Task instances read from a built catalog folder (pyarrow, no `datasets`) or drawn for any respondent."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from indievaluecatalog.codebook import Codebook, load_codebook
from indievaluecatalog.errors import CatalogNotFoundError, SplitError
from indievaluecatalog.splits._build import TEST, TRAIN
from indievaluecatalog.splits._demonstrations import check_demos
from indievaluecatalog.splits._records import Probe, TaskInstance
from indievaluecatalog.splits._rows import answer_matrix, instance_rows
from indievaluecatalog.splits._seeding import DEFAULT_SEED
from indievaluecatalog.splits._setups import load_probe_setups

logger = logging.getLogger(__name__)

SplitName = Literal[
    "evaluation", "train", "heldout_countries_test", "heldout_countries_train", "heldout_categories"
]
SPLIT_NAMES: tuple[str, ...] = (
    "evaluation",
    "train",
    "heldout_countries_test",
    "heldout_countries_train",
    "heldout_categories",
)
HELDOUT_CATEGORIES_VARIANT = "heldout_categories"


def _data_file(catalog_dir: Path, name: str) -> Path:
    path = catalog_dir / "data" / f"{name}.parquet"
    if not path.is_file():
        raise CatalogNotFoundError(
            f"No built catalog in {catalog_dir}: {path} is missing.",
            hint="pass the output folder of `indievaluecatalog build`",
        )
    return path


def _manifest(catalog_dir: Path) -> Mapping[str, Any]:
    path = catalog_dir / "manifest.json"
    if not path.is_file():
        return {}
    manifest = json.loads(path.read_text(encoding="utf-8"))
    return manifest if isinstance(manifest, dict) else {}


def _manifest_splits(catalog_dir: Path) -> Mapping[str, Any]:
    entry = _manifest(catalog_dir).get("splits", {})
    return entry if isinstance(entry, dict) else {}


def catalog_seed(catalog_dir: str | Path) -> int:
    """Return the seed a catalog's splits were built with (manifest ``splits.seed`` or ``seed``), else DEFAULT_SEED."""
    seed = _manifest_splits(Path(catalog_dir)).get("seed")
    if seed is None:
        seed = _manifest(Path(catalog_dir)).get("seed")
    if seed is None:
        logger.warning(
            "No split seed in %s/manifest.json; assuming the default seed %d", catalog_dir, DEFAULT_SEED
        )
        return DEFAULT_SEED
    return int(seed)


def split_ids(catalog_dir: str | Path, split: str, side: str) -> list[str]:
    """Return the respondent ids on ``side`` ("test" or "train") of ``split``, in the catalog's row order."""
    table = pq.read_table(_data_file(Path(catalog_dir), "splits"), columns=["respondent_id", split])
    mask = pc.equal(table[split], side)
    ids: list[str] = table.filter(mask)["respondent_id"].to_pylist()
    return ids


def evaluation_ids(catalog_dir: str | Path) -> list[str]:
    """Return the evaluation people's respondent ids, in the catalog's row order."""
    return split_ids(catalog_dir, "evaluation", TEST)


def training_pool_ids(catalog_dir: str | Path) -> list[str]:
    """Return the training pool (everyone not in the evaluation set), in the catalog's row order."""
    return split_ids(catalog_dir, "evaluation", TRAIN)


class StatementTexts:
    """Statement texts of a catalog (its `statements` config) keyed by statement id."""

    def __init__(self, texts: Mapping[str, str], source: str) -> None:
        self._texts = dict(texts)
        self.source = source

    @classmethod
    def from_catalog(cls, catalog_dir: Path) -> StatementTexts:
        """Read ``data/statements.parquet`` of a built catalog."""
        path = _data_file(catalog_dir, "statements")
        table = pq.read_table(path, columns=["statement_id", "text"])
        return cls(
            dict(zip(table["statement_id"].to_pylist(), table["text"].to_pylist(), strict=True)), str(path)
        )

    @classmethod
    def from_codebook(cls, codebook: Codebook) -> StatementTexts:
        """Take the statements from the codebook (for frames that were not read from a built folder)."""
        texts = {
            o.statement_id: o.statement
            for q in codebook.questions
            for g in ("polar", "refined")
            for o in q.options(g)
        }  # type: ignore[arg-type]
        return cls(texts, f"codebook {codebook.name} {codebook.version}")

    def text(self, statement_id: str) -> str:
        """Return one statement; raise SplitError naming the id and the source when it is unknown."""
        try:
            return self._texts[statement_id]
        except KeyError:
            raise SplitError(
                f"Statement {statement_id} is not in {self.source}.",
                hint="the probes and statements tables must come from the same catalog build",
            ) from None

    def texts(self, statement_ids: Iterable[str]) -> tuple[str, ...]:
        """Return the texts of ``statement_ids`` in order."""
        return tuple(self.text(s) for s in statement_ids)


def rows_to_instances(
    rows: Iterable[Mapping[str, Any]],
    texts: StatementTexts,
    codebook: Codebook,
    demographics: Mapping[str, Sequence[str]] | None = None,
) -> list[TaskInstance]:
    """Turn rows of the probes layout into TaskInstances; ``demographics`` maps respondent id to statements."""
    instances = []
    for row in rows:
        probes = []
        for k, question_id in enumerate(row["probe_questions"]):
            question = codebook.question(question_id)
            probes.append(
                Probe(
                    question_id=question_id,
                    category=question.category,
                    wording=question.wording,
                    polar_options=texts.texts(row["probe_polar_options"][k]),
                    refined_options=texts.texts(row["probe_refined_options"][k]),
                    polar_answer=int(row["probe_polar_answers"][k]),
                    refined_answer=int(row["probe_refined_answers"][k]),
                )
            )
        respondent_id = str(row["respondent_id"])
        instances.append(
            TaskInstance(
                respondent_id=respondent_id,
                setup=int(row["setup"]),
                demos=str(row["demos"]),
                demonstrations_polar=texts.texts(row["demonstrations_polar"]),
                demonstrations_refined=texts.texts(row["demonstrations_refined"]),
                demonstration_questions=tuple(s.split(":")[0] for s in row["demonstrations_polar"]),
                demographics=tuple(demographics.get(respondent_id, ())) if demographics is not None else (),
                probes=tuple(probes),
            )
        )
    return instances


def _check_setups(setups: Sequence[int]) -> list[int]:
    chosen = [int(s) for s in setups]
    if not chosen or any(s not in (0, 1, 2) for s in chosen):
        raise SplitError(f"Invalid probe setups {list(setups)}.", hint="use setups among 0, 1 and 2")
    return chosen


def _read_respondents(catalog_dir: Path, respondent_ids: Sequence[str], codebook: Codebook) -> pa.Table:
    path = _data_file(catalog_dir, "respondents")
    wanted = ["respondent_id", "demographic_statements"]
    wanted += [f"{q.id}_{g}" for q in codebook.questions for g in ("polar", "refined")]
    present = set(pq.read_schema(path).names)
    table = pq.read_table(
        path,
        columns=[c for c in wanted if c in present],
        filters=[("respondent_id", "in", list(respondent_ids))],
    )
    found = set(table["respondent_id"].to_pylist())
    absent = [rid for rid in respondent_ids if rid not in found]
    if absent:
        raise SplitError(
            f"{len(absent)} {'respondent is' if len(absent) == 1 else 'respondents are'} not in {path} "
            f"(first: {absent[0]}).",
            hint="pass respondent ids of this catalog (see data/splits.parquet)",
        )
    return table


def _demographics(table: pa.Table) -> dict[str, tuple[str, ...]]:
    if "demographic_statements" not in table.column_names:
        return {}
    ids = table["respondent_id"].to_pylist()
    values = table["demographic_statements"].to_pylist()
    return {str(rid): tuple(v or ()) for rid, v in zip(ids, values, strict=True)}


def instances_for_people(
    catalog_dir: str | Path,
    respondent_ids: Sequence[str],
    *,
    setups: Sequence[int] = (0, 1, 2),
    demos: str = "200",
    demographics: bool = False,
    probe_questions: Sequence[str] | None = None,
    excluded_categories: Sequence[str] = (),
    codebook: Codebook | None = None,
    seed: int | None = None,
) -> list[TaskInstance]:
    """Draw task instances for any respondents of a built catalog, training pool included.

    Demonstrations use the catalog's seed and the same keyed draw as the build, so an evaluation person gets
    the instance that the `probes` config publishes. ``probe_questions`` replaces each setup's probes (for
    example one question for reasoner training data). Questions of ``excluded_categories`` are never
    demonstrated, and only their questions stay probes (the held-out-categories split). Probes a person did
    not answer are left out of that person's instance.
    """
    root = Path(catalog_dir)
    codebook = codebook or load_codebook()
    seed = catalog_seed(root) if seed is None else seed
    demos = check_demos(demos)
    setup_list = _check_setups(setups)
    book_setups = load_probe_setups(codebook=codebook)

    excluded_questions = [q.id for q in codebook.questions if q.category in set(excluded_categories)]
    probes_by_setup: list[tuple[int, Sequence[str]]] = []
    for setup in setup_list:
        questions: Sequence[str] = (
            probe_questions if probe_questions is not None else book_setups.setup(setup).question_ids
        )
        if excluded_categories:
            questions = [q for q in questions if q in set(excluded_questions)]
        probes_by_setup.append((setup, questions))

    table = _read_respondents(root, respondent_ids, codebook)
    answers = answer_matrix(table, codebook)
    variant = HELDOUT_CATEGORIES_VARIANT if excluded_categories else ""
    rows = instance_rows(
        answers,
        codebook,
        probes_by_setup,
        seed=seed,
        demos=[demos],
        excluded_questions=excluded_questions,
        variant=variant,
    )
    texts = StatementTexts.from_catalog(root)
    people = _demographics(table) if demographics else None
    return rows_to_instances(rows.to_pylist(), texts, codebook, people)


def load_task_instances(
    catalog_dir: str | Path,
    *,
    split: str = "evaluation",
    setups: Sequence[int] = (0, 1, 2),
    demos: str = "200",
    limit: int | None = None,
    demographics: bool = False,
    codebook: Codebook | None = None,
) -> list[TaskInstance]:
    """Return the task instances of a split of a built catalog, ordered by respondent id, setup.

    ``split``: "evaluation" (read from the `probes` config), "train" (the training pool), "heldout_countries_test"
    or "heldout_countries_train" (people of the held-out or the remaining countries) or "heldout_categories"
    (evaluation people, probed only on the held-out categories, which are never demonstrated). ``limit`` keeps
    the first ``limit`` people by respondent id. ``demographics`` fills each instance's demographic statements.
    """
    root = Path(catalog_dir)
    codebook = codebook or load_codebook()
    demos = check_demos(demos)
    setup_list = _check_setups(setups)
    if split not in SPLIT_NAMES:
        raise SplitError(f"Unknown split {split!r}.", hint=f"use one of {', '.join(SPLIT_NAMES)}")
    if limit is not None and limit < 1:
        raise SplitError(
            f"limit must be a positive number of people, not {limit}.", hint="omit it to load all"
        )

    if split == "evaluation":
        return _evaluation_instances(root, setup_list, demos, limit, demographics, codebook)

    if split == "heldout_categories":
        people = evaluation_ids(root)
        categories = _manifest_splits(root).get("heldout_categories")
        if not categories:
            raise SplitError(
                f"The manifest of {root} names no held-out categories.",
                hint="rebuild the catalog with this version of indievaluecatalog",
            )
    else:
        name, side = (
            ("evaluation", TRAIN) if split == "train" else ("heldout_countries", split.rsplit("_", 1)[1])
        )
        people = split_ids(root, name, side)
        categories = []
    people = sorted(people)[:limit] if limit is not None else sorted(people)
    instances = instances_for_people(
        root,
        people,
        setups=setup_list,
        demos=demos,
        demographics=demographics,
        excluded_categories=categories,
        codebook=codebook,
    )
    logger.info("Loaded %d task instances of split %s (demos %s)", len(instances), split, demos)
    return instances


def _evaluation_instances(
    root: Path, setups: list[int], demos: str, limit: int | None, demographics: bool, codebook: Codebook
) -> list[TaskInstance]:
    probe_files = sorted((root / "data").glob("probes*.parquet"))
    if not probe_files:
        raise CatalogNotFoundError(
            f"No probes table in {root / 'data'}.", hint="pass the output folder of `indievaluecatalog build`"
        )
    filters = [("demos", "=", demos), ("setup", "in", setups)]
    table = pa.concat_tables(pq.read_table(p, filters=filters) for p in probe_files)
    rows = sorted(table.to_pylist(), key=lambda r: (r["respondent_id"], r["setup"]))
    if limit is not None:
        kept = sorted({r["respondent_id"] for r in rows})[:limit]
        rows = [r for r in rows if r["respondent_id"] in set(kept)]
    people = None
    if demographics:
        ids = sorted({r["respondent_id"] for r in rows})
        people = _demographics(_read_respondents(root, ids, codebook))
    instances = rows_to_instances(rows, StatementTexts.from_catalog(root), codebook, people)
    logger.info("Loaded %d evaluation task instances (demos %s, setups %s)", len(instances), demos, setups)
    return instances

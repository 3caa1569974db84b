"""The build: a raw WVS file to a validated catalog folder with manifest, dataset card, schemas and reports."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from indievaluecatalog._git import git_commit
from indievaluecatalog._version import __version__
from indievaluecatalog.codebook import Codebook, load_codebook
from indievaluecatalog.convert._card import render_dataset_card
from indievaluecatalog.convert._configs import CatalogConfig, config_to_json, summarize_configs
from indievaluecatalog.convert._features import respondent_features, statement_features
from indievaluecatalog.convert._respondents import build_respondents
from indievaluecatalog.convert._schemas import respondents_schema, statements_schema
from indievaluecatalog.convert._statements import build_statements
from indievaluecatalog.convert._validation import validate_stage
from indievaluecatalog.convert._write import (
    BUILDER,
    StagedCatalog,
    check_destination,
    sha256_file,
    sibling_path,
)
from indievaluecatalog.errors import InputFileError
from indievaluecatalog.readers import RawSurvey, raw_response_schema, read_wvs_file
from indievaluecatalog.splits import (
    PROBES_DESCRIPTION,
    SPLITS_DESCRIPTION,
    TaskTables,
    build_task_tables,
    probes_features,
    splits_features,
)

logger = logging.getLogger(__name__)

CATALOG_FORMAT = "1"
DEFAULT_OUT = Path("indievaluecatalog")
_SHOWN = 5


@dataclass(frozen=True)
class BuildOptions:
    """Options of one build; all but ``out`` and ``overwrite`` are recorded in the manifest."""

    out: Path = DEFAULT_OUT
    strict: bool = False
    """Fail on label drift, coverage gaps, a missing interview id and respondents without a valid answer."""
    overwrite: bool = False
    seed: int = 0
    """Seed of the seeded steps (splits and demonstrations) that configs built here use."""
    codebook_path: Path | None = None


@dataclass(frozen=True)
class BuildResult:
    """Where the catalog went and what the manifest says about it."""

    out: Path
    manifest: Mapping[str, Any]
    row_counts: Mapping[str, int]
    warnings: tuple[str, ...] = field(default=())


def catalog_configs(
    book: Codebook,
    respondents: pa.Table,
    statements: pa.Table,
    options: BuildOptions,
    task_tables: TaskTables | None = None,
) -> list[CatalogConfig]:
    """List every config record of the catalog: the base configs, then those of the task tables when given."""
    configs = base_configs(book, respondents, statements)
    if task_tables is not None:
        configs += task_configs(task_tables)
    return configs


def base_configs(book: Codebook, respondents: pa.Table, statements: pa.Table) -> list[CatalogConfig]:
    """List the configs built straight from the survey and the codebook. Add such a config by appending it here."""
    return [
        CatalogConfig(
            name="respondents",
            table=respondents,
            features=respondent_features(book),
            description="one row per respondent: options, missing reasons and demographics",
            schema=respondents_schema(book),
        ),
        CatalogConfig(
            name="statements",
            table=statements,
            features=statement_features(),
            description="one first-person statement per option per granularity",
            schema=statements_schema(book),
        ),
    ]


def task_configs(task_tables: TaskTables) -> list[CatalogConfig]:
    """List the configs of the task protocol. Add such a config by appending it here."""
    return [
        CatalogConfig("splits", task_tables.splits, splits_features(), description=SPLITS_DESCRIPTION),
        CatalogConfig("probes", task_tables.probes, probes_features(), description=PROBES_DESCRIPTION),
    ]


def build_catalog(raw_file: str | Path | None, options: BuildOptions | None = None) -> BuildResult:
    """Build a catalog folder from a raw WVS file; with no file, from the built-in synthetic sample.

    Raises InputFileError for an unusable file (and, with ``strict``, for drift and gaps), ValidationFailedError
    when a stage fails its schema (failure cases saved next to the output folder) and BuildError when the output
    folder cannot be written. On any error the output folder is left as it was.
    """
    options = options or BuildOptions()
    out = Path(options.out)
    check_destination(out, overwrite=options.overwrite)
    book = load_codebook(options.codebook_path)
    path, builtin = _source_path(raw_file)
    logger.info("Building %s from %s", out, path)
    source_sha256 = _hash_in_background(path)
    survey = read_wvs_file(path, book)
    warnings = list(survey.warnings)
    failures = sibling_path(out, "validation_failures.csv")
    raw_schema = raw_response_schema(book, survey.responses.columns, has_interview_id=survey.has_interview_id)
    validate_stage(
        raw_schema, survey.responses, stage="raw responses", source=str(path), failures_path=failures
    )
    warnings += _check_drift(survey, out, options.strict)
    warnings += _check_coverage(survey, out, options.strict)

    respondents = build_respondents(book, survey)
    if respondents.without_valid_answers:
        found = f"{path}: {respondents.without_valid_answers} respondent(s) have no valid answer to any value question"
        if options.strict:
            raise InputFileError(
                f"{found}.", hint="remove those rows from the file, or build without --strict to keep them"
            )
        message = f"{found}; they are kept in the catalog with n_valid_answers = 0."
        logger.warning(message)
        warnings.append(message)
    statements = build_statements(book)
    with StagedCatalog(out, overwrite=options.overwrite) as staged:
        # Each validated table starts writing in the background while the next one is computed.
        configs = base_configs(book, respondents.table, statements)
        for config in configs:
            _validate_config(config, source=str(path), failures_path=failures)
            staged.write_data(config)
        task_tables = build_task_tables(respondents.table, book, seed=options.seed)
        for config in task_configs(task_tables):
            _validate_config(config, source=str(path), failures_path=failures)
            staged.write_data(config)
            configs.append(config)

        summaries = summarize_configs(configs)
        manifest = _manifest(
            book,
            survey,
            options,
            builtin,
            summaries,
            warnings,
            respondents.without_valid_answers,
            source_sha256.result(),
        )
        manifest["splits"] = task_tables.manifest_entry()
        text_files = {
            "reports/coverage.csv": coverage_csv(survey),
            "reports/label_drift.csv": label_drift_csv(survey),
            "schemas/raw_responses.json": _schema_json(raw_schema),
        }
        for name, ids in task_tables.id_lists().items():
            text_files[f"splits/{name}.txt"] = "".join(f"{rid}\n" for rid in ids)
        for config in configs:
            if config.schema is not None:
                text_files[f"schemas/{config.name}.json"] = _schema_json(config.schema)
        final = staged.finish(
            configs,
            text_files=text_files,
            manifest=manifest,
            render_card=lambda m: render_dataset_card(m, summaries),
        )
    counts = {s.name: sum(split.num_rows for split in s.splits) for s in summaries}
    logger.info("Built catalog %s: %s", out, ", ".join(f"{k} {v} rows" for k, v in counts.items()))
    return BuildResult(out=out, manifest=final, row_counts=counts, warnings=tuple(warnings))


def _validate_config(config: CatalogConfig, *, source: str, failures_path: Path) -> None:
    if config.schema is None:
        return
    frame = config.table.to_pandas(types_mapper=pd.ArrowDtype)
    validate_stage(
        config.schema, frame, stage=f"{config.name} table", source=source, failures_path=failures_path
    )


def _hash_in_background(path: Path) -> Future[str]:
    """Start the SHA-256 of the input file in a thread, so it overlaps the read (hashlib releases the GIL).

    An error (for example a missing file) stays in the future, so the reader's error is the one raised.
    """
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="source-sha256")
    future = executor.submit(sha256_file, path)
    executor.shutdown(wait=False)
    return future


def _source_path(raw_file: str | Path | None) -> tuple[Path, bool]:
    if raw_file is not None:
        return Path(raw_file), False
    from indievaluecatalog.sample import builtin_sample_path

    path = Path(builtin_sample_path())
    logger.info("No input file given; building from the built-in synthetic sample %s", path)
    return path, True


def _check_drift(survey: RawSurvey, out: Path, strict: bool) -> list[str]:
    drift = survey.label_drift
    if not drift:
        return []
    shown = "; ".join(
        f"{d.variable} code {d.code}: file {d.file_label!r}, codebook {d.codebook_label!r}"
        for d in drift[:_SHOWN]
    )
    message = f"{survey.path}: {len(drift)} value label(s) differ from the codebook, e.g. {shown}"
    if strict:
        report = sibling_path(out, "label_drift.csv")
        report.write_text(label_drift_csv(survey), encoding="utf-8")
        raise InputFileError(
            f"{message}. Every difference is listed in {report}.",
            hint="check that the file is WVS-7 v5.0 or v6.0 and that the codebook matches it, or build without --strict",
        )
    logger.warning("%s; see reports/label_drift.csv", message)
    return [message]


def _check_coverage(survey: RawSurvey, out: Path, strict: bool) -> list[str]:
    gaps = [g for g in survey.coverage if g.kind != "identifier" or g.item != "W_WEIGHT"]
    if not gaps and survey.has_interview_id:
        return []
    absent = [g.item for g in survey.coverage if g.status in ("not_in_file", "all_blank", "unusable")]
    message = (
        f"{survey.path}: {len(absent)} question(s), item(s) or identifier(s) are absent or unusable"
        f"{' (' + ', '.join(absent[:10]) + (' ...' if len(absent) > 10 else '') + ')' if absent else ''}, "
        f"{sum(g.status == 'some_blank' for g in survey.coverage)} have blank cells"
    )
    if strict:
        report = sibling_path(out, "coverage.csv")
        report.write_text(coverage_csv(survey), encoding="utf-8")
        raise InputFileError(
            f"{message}. The coverage report is {report}.",
            hint="build from the complete official WVS-7 file, or build without --strict to use what is there",
        )
    return [message]


def coverage_csv(survey: RawSurvey) -> str:
    """Return the coverage report: one row per absent, unusable or partly blank question, item or identifier."""
    rows = [
        [g.item, g.kind, g.variable, g.file_variable or "", g.status, g.respondents_affected, g.detail]
        for g in survey.coverage
    ]
    return _csv(
        ["item", "kind", "variable", "file_variable", "status", "respondents_affected", "detail"], rows
    )


def label_drift_csv(survey: RawSurvey) -> str:
    """Return the label drift report: one row per value label that differs from the codebook."""
    rows = [
        [d.variable, d.file_variable, d.code, d.kind, d.file_label or "", d.codebook_label or ""]
        for d in survey.label_drift
    ]
    return _csv(["variable", "file_variable", "code", "kind", "file_label", "codebook_label"], rows)


def _csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _schema_json(schema: Any) -> str:
    text = schema.to_json(indent=2)
    return str(text).rstrip("\n") + "\n"


def _synthetic(survey: RawSurvey, builtin: bool) -> dict[str, Any] | None:
    texts = [survey.file_label or "", *survey.notes]
    marker = next((t for t in texts if "synthetic" in t.casefold()), None)
    if marker is None and not builtin:
        return None
    return {"builtin_sample": builtin, "description": marker or "the built-in synthetic sample"}


def _manifest(
    book: Codebook,
    survey: RawSurvey,
    options: BuildOptions,
    builtin: bool,
    summaries: Sequence[Any],
    warnings: Sequence[str],
    without_valid_answers: int,
    source_sha256: str,
) -> dict[str, Any]:
    command = ["indievaluecatalog", "build"]
    if not builtin:
        command.append(survey.path.name)
    if options.strict:
        command.append("--strict")
    command += ["--seed", str(options.seed)]
    if options.codebook_path is not None:
        command += ["--codebook", Path(options.codebook_path).name]
    return {
        "builder": BUILDER,
        "catalog_format": CATALOG_FORMAT,
        "source": {
            "file": survey.path.name,
            "member": survey.member,
            "sha256": source_sha256,
            "bytes": survey.path.stat().st_size,
            "format": survey.file_format,
            "layout": survey.layout,
            "wvs_version": survey.wvs_version,
            "version_evidence": survey.version_evidence,
            "doi": survey.doi,
            "encoding": survey.encoding,
            "rows_in_file": survey.rows_in_file,
            "wave7_rows": len(survey.responses),
            "has_interview_id": survey.has_interview_id,
            "synthetic": _synthetic(survey, builtin),
        },
        "codebook": {
            "name": book.name,
            "version": book.version,
            "sha256": sha256_file(Path(book.path)) if book.path else None,
            "value_questions": len(book.questions),
        },
        "package": {"name": "indievaluecatalog", "version": __version__, "git_commit": git_commit()},
        "options": {
            "strict": options.strict,
            "seed": options.seed,
            "codebook": Path(options.codebook_path).name if options.codebook_path else None,
        },
        "seed": options.seed,
        "command": " ".join(command),
        "configs": [config_to_json(s) for s in summaries],
        "row_counts": {s.name: sum(split.num_rows for split in s.splits) for s in summaries},
        "reports": {
            "label_drift": len(survey.label_drift),
            "coverage_gaps": len(survey.coverage),
            "respondents_without_valid_answers": without_valid_answers,
        },
        "warnings": list(warnings),
    }

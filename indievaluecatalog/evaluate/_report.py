"""A markdown report with plots comparing evaluation runs side by side, beside the published numbers."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indievaluecatalog.errors import EvaluationError, MissingExtraError
from indievaluecatalog.evaluate._reference import (
    BASELINE_REFERENCE,
    REFERENCE_DEMOS,
    REFERENCE_INEQUITY,
    REFERENCE_RESULTS,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunSummary:
    """The parts of one run's ``results.json`` that the report shows."""

    label: str
    path: Path
    results: dict[str, Any]

    @property
    def metrics(self) -> dict[str, Any]:
        """The run's metrics section."""
        value: dict[str, Any] = self.results["metrics"]
        return value

    def accuracy(self, granularity: str) -> float | None:
        """Accuracy in percent at ``granularity`` (or ``overall``), None when the run lacks it."""
        if granularity == "overall":
            entry = self.metrics.get("overall")
        else:
            entry = self.metrics["granularities"].get(granularity)
        return None if entry is None else 100.0 * float(entry["accuracy"])

    def interval(self, granularity: str) -> tuple[float, float] | None:
        """95% interval in percent, None without bootstrap."""
        entry = (
            self.metrics.get("overall")
            if granularity == "overall"
            else self.metrics["granularities"].get(granularity)
        )
        if entry is None or "ci95" not in entry:
            return None
        low, high = entry["ci95"]
        return 100.0 * low, 100.0 * high

    def inequity(self) -> float | None:
        """Value Inequity Index: the mean over the run's granularities."""
        values = [
            entry["inequity"]["index"]
            for entry in self.metrics["granularities"].values()
            if "inequity" in entry and entry["inequity"]["index"] is not None
        ]
        return sum(values) / len(values) if values else None

    def dimension_spread(self) -> dict[str, float]:
        """Per dimension, the spread of group accuracies (percent), averaged over granularities."""
        sums: dict[str, list[float]] = {}
        for entry in self.metrics["granularities"].values():
            for name, part in entry.get("inequity", {}).get("dimensions", {}).items():
                if part["std_percent"] is not None:
                    sums.setdefault(name, []).append(float(part["std_percent"]))
        return {name: sum(values) / len(values) for name, values in sums.items()}

    def group_accuracy(self, dimension: str) -> dict[str, float]:
        """Accuracy in percent of each group of ``dimension``, averaged over granularities."""
        sums: dict[str, list[float]] = {}
        for entry in self.metrics["granularities"].values():
            groups = entry.get("inequity", {}).get("dimensions", {}).get(dimension, {}).get("groups", {})
            for group, value in groups.items():
                sums.setdefault(group, []).append(100.0 * float(value["accuracy"]))
        return {group: sum(values) / len(values) for group, values in sums.items()}


def load_run(path: str | Path) -> RunSummary:
    """Read ``results.json`` of a run directory; raise EvaluationError when the folder or the file is missing."""
    folder = Path(path)
    results_path = folder / "results.json"
    if not folder.is_dir():
        raise EvaluationError(
            f"Run directory {folder} not found.",
            hint="check the path; pass the --out folder of `indievaluecatalog evaluate`",
        )
    if not results_path.is_file():
        raise EvaluationError(
            f"Run directory {folder} has no results.json.",
            hint="finish the run with `indievaluecatalog evaluate` (a rerun resumes it) before reporting",
        )
    results = json.loads(results_path.read_text(encoding="utf-8"))
    config = results["config"]
    scorer = (
        config.get("baseline") or f"{config.get('model')} ({config.get('backend')}, {config.get('format')})"
    )
    label = f"{scorer}, {config['demos']} demos" + (", demographics" if config.get("demographics") else "")
    return RunSummary(label=label, path=folder, results=results)


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError as error:
        raise MissingExtraError("matplotlib", "report") from error
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _cell(value: float | None, interval: tuple[float, float] | None = None) -> str:
    if value is None:
        return "-"
    if interval is None:
        return f"{value:.2f}"
    return f"{value:.2f} [{interval[0]:.2f}, {interval[1]:.2f}]"


def _runs_table(runs: Sequence[RunSummary]) -> list[str]:
    lines = [
        "| run | people | polar | refined | overall | chance-adjusted polar | chance-adjusted refined | Value Inequity Index | published (polar / refined / overall) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    published = {r.method: r for r in REFERENCE_RESULTS}
    for run in runs:
        adjusted = [
            _cell(100.0 * entry["chance_adjusted_accuracy"])
            if (entry := run.metrics["granularities"].get(g))
            else "-"
            for g in ("polar", "refined")
        ]
        reference = published.get(BASELINE_REFERENCE.get(str(run.results["config"].get("baseline")), ""))
        demos = str(run.results["config"].get("demos"))
        if reference is None:
            reference_text = "-"
        elif demos != REFERENCE_DEMOS:
            reference_text = f"not comparable ({demos} demos, published at {REFERENCE_DEMOS})"
        else:
            reference_text = f"{reference.polar:.2f} / {reference.refined:.2f} / {reference.overall:.2f}"
        lines.append(
            f"| {run.label} | {run.metrics['people']} | {_cell(run.accuracy('polar'), run.interval('polar'))} "
            f"| {_cell(run.accuracy('refined'), run.interval('refined'))} "
            f"| {_cell(run.accuracy('overall'), run.interval('overall'))} | {adjusted[0]} | {adjusted[1]} "
            f"| {_cell(run.inequity())} | {reference_text} |"
        )
    return lines


def comparability_warnings(runs: Sequence[RunSummary]) -> list[str]:
    """Return one sentence per way in which the runs are not comparable: catalog builds and people counts."""
    warnings: list[str] = []
    builds: dict[str, list[str]] = {}
    for run in runs:
        digest = str(run.results.get("catalog", {}).get("manifest_sha256"))[:12]
        builds.setdefault(digest, []).append(run.label)
    if len(builds) > 1:
        listing = "; ".join(f"{digest}: {', '.join(labels)}" for digest, labels in builds.items())
        warnings.append(
            f"The runs come from {len(builds)} different catalog builds (manifest SHA-256 {listing}), so their "
            "evaluation people and answers differ."
        )
    people: dict[int, list[str]] = {}
    for run in runs:
        people.setdefault(int(run.metrics["people"]), []).append(run.label)
    if len(people) > 1:
        listing = "; ".join(f"{count}: {', '.join(labels)}" for count, labels in sorted(people.items()))
        warnings.append(f"The runs score different numbers of people ({listing}).")
    return warnings


def _reference_table() -> list[str]:
    lines = ["| method | polar | refined | overall |", "| --- | --- | --- | --- |"]
    lines += [
        f"| {r.method} | {r.polar:.2f} | {r.refined:.2f} | {r.overall:.2f} |" for r in REFERENCE_RESULTS
    ]
    lines += [
        "",
        "Value Inequity Index at 200 statements: "
        + ", ".join(f"{m} {v}" for m, v in REFERENCE_INEQUITY)
        + ".",
    ]
    return lines


def _legend_outside(axes: Any) -> None:
    # To the right of the axes, so the legend never covers a bar; bbox_inches="tight" keeps it in the image.
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)


def _plot_groups(plt: Any, runs: Sequence[RunSummary], dimension: str, path: Path) -> bool:
    series = [(run.label, run.group_accuracy(dimension)) for run in runs]
    groups = sorted({group for _, values in series for group in values})
    if not groups:
        return False
    figure, axes = plt.subplots(figsize=(max(6.0, 1.2 * len(groups) * max(1, len(runs)) / 2), 4.0))
    width = 0.8 / len(series)
    for index, (label, values) in enumerate(series):
        positions = [g + index * width for g in range(len(groups))]
        axes.bar(positions, [values.get(group, 0.0) for group in groups], width=width, label=label)
    axes.set_xticks([g + 0.4 - width / 2 for g in range(len(groups))], groups, rotation=30, ha="right")
    axes.set_ylabel("accuracy (%), mean of each run's granularities")
    axes.set_title(f"Accuracy by {dimension}")
    _legend_outside(axes)
    figure.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(figure)
    return True


def _plot_inequity(plt: Any, runs: Sequence[RunSummary], path: Path) -> bool:
    series = [(run.label, run.dimension_spread()) for run in runs]
    dimensions = sorted({name for _, values in series for name in values})
    if not dimensions:
        return False
    figure, axes = plt.subplots(figsize=(10.0, 4.5))
    width = 0.8 / len(series)
    for index, (label, values) in enumerate(series):
        positions = [d + index * width for d in range(len(dimensions))]
        axes.bar(positions, [values.get(name, 0.0) for name in dimensions], width=width, label=label)
    axes.set_xticks(
        [d + 0.4 - width / 2 for d in range(len(dimensions))], dimensions, rotation=45, ha="right"
    )
    axes.set_ylabel("std of group accuracies (percentage points)")
    axes.set_title("Inequity per demographic dimension")
    _legend_outside(axes)
    figure.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(figure)
    return True


def _demos_value(demos: str) -> float | None:
    return float(demos) if demos.isdigit() else None


def _plot_demos(plt: Any, runs: Sequence[RunSummary], path: Path) -> bool:
    by_scorer: dict[str, list[tuple[float, float]]] = {}
    for run in runs:
        config = run.results["config"]
        demos = _demos_value(str(config["demos"]))
        overall = run.accuracy("overall") or run.accuracy("polar") or run.accuracy("refined")
        if demos is None or overall is None:
            continue
        scorer = str(config.get("baseline") or config.get("model"))
        by_scorer.setdefault(scorer, []).append((demos, overall))
    if len({d for points in by_scorer.values() for d, _ in points}) < 2:
        return False
    figure, axes = plt.subplots(figsize=(6.0, 4.0))
    for scorer, points in sorted(by_scorer.items()):
        points.sort()
        axes.plot([d for d, _ in points], [a for _, a in points], marker="o", label=scorer)
    axes.set_xlabel("demonstrations")
    axes.set_ylabel("overall accuracy (%)")
    axes.set_title("Accuracy against number of demonstrations")
    _legend_outside(axes)
    figure.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(figure)
    return True


def write_report(run_dirs: Sequence[str | Path], out_dir: str | Path) -> Path:
    """Write ``REPORT.md`` and its PNG plots for ``run_dirs`` into ``out_dir``; return the markdown path.

    Plots: accuracy by continent, inequity per dimension, and accuracy against the number of demonstrations
    when the runs differ in it. Needs matplotlib (the ``report`` extra).
    """
    if not run_dirs:
        raise EvaluationError("No run directories to report on.", hint="pass one or more RUN_DIR arguments")
    runs = [load_run(path) for path in run_dirs]
    plt = _pyplot()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    lines = ["# Evaluation report", "", "Accuracy in percent with 95% bootstrap intervals over people.", ""]
    warnings = comparability_warnings(runs)
    for warning in warnings:
        logger.warning("%s", warning)
        lines += [f"> **Warning:** {warning}", ""]
    lines += _runs_table(runs)
    lines += [
        "",
        f"Published numbers appear only beside runs with {REFERENCE_DEMOS} demonstrations, the setting of "
        "the paper.",
    ]
    lines += [
        "",
        "## Published reference numbers",
        "",
        "Real WVS-7 data, 800 evaluation people, 200 demonstrations.",
        "",
    ]
    lines += _reference_table()
    lines += ["", "## Plots", ""]
    if _plot_groups(plt, runs, "continent", out / "accuracy_by_continent.png"):
        lines += ["![Accuracy by continent](accuracy_by_continent.png)", ""]
    if _plot_inequity(plt, runs, out / "inequity_by_dimension.png"):
        lines += ["![Inequity per dimension](inequity_by_dimension.png)", ""]
    if _plot_demos(plt, runs, out / "accuracy_by_demos.png"):
        lines += ["![Accuracy against demonstrations](accuracy_by_demos.png)", ""]
    lines += ["## Runs", ""]
    for run in runs:
        catalog = run.results.get("catalog", {})
        package = run.results.get("package", {})
        lines.append(
            f"- {run.label}: `{run.path}`, catalog {catalog.get('source')} "
            f"(manifest SHA-256 {str(catalog.get('manifest_sha256'))[:12]}), package {package.get('version')} "
            f"at {str(package.get('git_commit'))[:12]}"
        )
    path = out / "REPORT.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    logger.info("wrote report %s for %d runs", path, len(runs))
    return path

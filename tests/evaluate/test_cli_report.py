"""The evaluate and report commands, and the markdown report with its plots."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from indievaluecatalog.cli import main
from indievaluecatalog.errors import EvaluationError, MissingExtraError
from indievaluecatalog.evaluate import write_report

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def evaluate(catalog: Path, out: Path, *extra: str) -> None:
    """Run the evaluate command on 6 people, setups 0 and 1."""
    main(
        [
            "evaluate",
            "--catalog",
            str(catalog),
            "--out",
            str(out),
            "--setups",
            "0,1",
            "--limit",
            "6",
            "--bootstrap",
            "20",
            *extra,
        ]
    )


@pytest.fixture(scope="module")
def runs(catalog_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three finished runs: majority and resemblance at 200 demonstrations, resemblance at 50."""
    root = tmp_path_factory.mktemp("runs")
    evaluate(catalog_dir, root / "majority", "--baseline", "majority")
    evaluate(catalog_dir, root / "resemblance", "--baseline", "resemblance", "--option", "k=15")
    evaluate(
        catalog_dir, root / "resemblance50", "--baseline", "resemblance", "--option", "k=15", "--demos", "50"
    )
    return [root / "majority", root / "resemblance", root / "resemblance50"]


def test_cli_evaluate_writes_run(runs: list[Path]) -> None:
    """The command writes results.json with the options it was given."""
    saved = json.loads((runs[1] / "results.json").read_text())
    assert saved["config"]["options"] == {"k": 15}
    assert saved["config"]["setups"] == [0, 1]
    assert saved["scorer"]["k"] == 15


def test_cli_evaluate_json_output(
    catalog_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json prints the metrics."""
    evaluate(catalog_dir, tmp_path / "run", "--baseline", "random", "--granularity", "polar", "--json")
    printed = json.loads(capsys.readouterr().out)
    assert set(printed["granularities"]) == {"polar"}


def test_cli_changed_configuration_exit_code(
    runs: list[Path], catalog_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A changed configuration exits with the evaluation error code and names the setting."""
    with pytest.raises(SystemExit) as exit_info:
        evaluate(catalog_dir, runs[0], "--baseline", "random")
    assert exit_info.value.code == EvaluationError.exit_code
    assert "baseline" in capsys.readouterr().err


def test_cli_rejects_bad_setups(catalog_dir: Path, tmp_path: Path) -> None:
    """Setups outside 0-2 are a usage error."""
    with pytest.raises(SystemExit) as exit_info:
        main(
            [
                "evaluate",
                "--catalog",
                str(catalog_dir),
                "--out",
                str(tmp_path / "r"),
                "--baseline",
                "majority",
                "--setups",
                "0,5",
            ]
        )
    assert exit_info.value.code == 2


def test_cli_rejects_bad_option(catalog_dir: Path, tmp_path: Path) -> None:
    """--option needs KEY=VALUE."""
    with pytest.raises(SystemExit) as exit_info:
        main(
            [
                "evaluate",
                "--catalog",
                str(catalog_dir),
                "--out",
                str(tmp_path / "r"),
                "--baseline",
                "majority",
                "--option",
                "k",
            ]
        )
    assert exit_info.value.code == 2


def test_report_tables_and_plots(runs: list[Path], tmp_path: Path) -> None:
    """The report lists every run beside the published numbers and draws the three plots."""
    path = write_report(runs, tmp_path / "report")
    text = path.read_text()
    assert "resemblance, 200 demos" in text
    assert "resemblance, 50 demos" in text
    assert "73.73 / 59.47 / 66.60" in text  # published resemblance beside ours
    rows = {line.split(" | ")[0].lstrip("| "): line for line in text.splitlines() if line.startswith("| ")}
    assert rows["resemblance, 200 demos"].endswith("| 73.73 / 59.47 / 66.60 |")
    assert rows["resemblance, 50 demos"].endswith("| not comparable (50 demos, published at 200) |")
    assert "73.73" not in rows["resemblance, 50 demos"]
    assert "Warning" not in text  # one catalog, six people each
    assert "IndieValueReasoner (Llama-3.1-8B fine-tuned) | 74.74 | 60.60 | 67.67" in text
    for name in ["accuracy_by_continent.png", "inequity_by_dimension.png", "accuracy_by_demos.png"]:
        assert f"]({name})" in text
        assert (tmp_path / "report" / name).read_bytes().startswith(PNG_SIGNATURE)


def test_report_without_demos_plot(runs: list[Path], tmp_path: Path) -> None:
    """Runs that share one number of demonstrations get no demonstrations plot."""
    write_report(runs[:2], tmp_path / "report")
    assert not (tmp_path / "report" / "accuracy_by_demos.png").exists()


def test_cli_report(runs: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The report command writes REPORT.md."""
    main(["report", *map(str, runs), "--out", str(tmp_path / "report")])
    assert (tmp_path / "report" / "REPORT.md").is_file()
    assert "REPORT.md" in capsys.readouterr().out


def test_report_missing_run_folder(tmp_path: Path) -> None:
    """A run folder that does not exist is reported as not found."""
    with pytest.raises(EvaluationError, match=r"Run directory .*typo not found"):
        write_report([tmp_path / "typo"], tmp_path / "report")


def test_report_warns_on_mixed_runs(
    runs: list[Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Runs from another catalog build or with other people counts get a warning in the report and the log."""
    other = tmp_path / "other"
    shutil.copytree(runs[0], other)
    results = json.loads((other / "results.json").read_text())
    results["catalog"]["manifest_sha256"] = "f" * 64
    results["metrics"]["people"] = 2
    (other / "results.json").write_text(json.dumps(results))
    with caplog.at_level(logging.WARNING, logger="indievaluecatalog.evaluate._report"):
        text = write_report([runs[0], other], tmp_path / "report").read_text()
    assert "> **Warning:** The runs come from 2 different catalog builds" in text
    assert "ffffffffffff: majority, 200 demos" in text
    assert "different numbers of people (2: majority, 200 demos; 6: majority, 200 demos)" in text
    assert "different catalog builds" in caplog.text
    assert "different numbers of people" in caplog.text


def test_report_legend_outside_bars(
    runs: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The continent plot puts its legend to the right of the axes, so no bar is covered."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from indievaluecatalog.evaluate._report import _plot_groups, load_run

    created: list[object] = []
    original = plt.subplots

    def recording_subplots(*args: object, **kwargs: object) -> object:
        figure, axes = original(*args, **kwargs)
        created.append(axes)
        return figure, axes

    monkeypatch.setattr(plt, "subplots", recording_subplots)
    _plot_groups(plt, [load_run(path) for path in runs], "continent", tmp_path / "plot.png")
    (axes,) = created
    figure = axes.figure  # type: ignore[attr-defined]
    figure.canvas.draw()
    legend_box = axes.get_legend().get_window_extent()  # type: ignore[attr-defined]
    axes_box = axes.get_window_extent()  # type: ignore[attr-defined]
    assert legend_box.x0 >= axes_box.x1
    assert (tmp_path / "plot.png").read_bytes().startswith(PNG_SIGNATURE)


def test_report_needs_results(tmp_path: Path) -> None:
    """A run directory without results.json is an error that says how to finish it."""
    (tmp_path / "unfinished").mkdir()
    with pytest.raises(EvaluationError, match=r"no results\.json"):
        write_report([tmp_path / "unfinished"], tmp_path / "report")


def test_report_without_matplotlib(runs: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without matplotlib the report names the extra to install."""
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingExtraError, match="report"):
        write_report(runs, tmp_path / "report")

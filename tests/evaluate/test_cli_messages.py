"""Messages of the evaluate command: option errors, rejected flags, help text and the summary lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from indievaluecatalog.cli import main
from indievaluecatalog.errors import EvaluationError
from indievaluecatalog.evaluate import EvaluationConfig


def evaluate(catalog: Path, out: Path, *extra: str) -> None:
    """Run the evaluate command on setup 0 at the polar granularity, 20 bootstrap resamples."""
    main(
        [
            "evaluate",
            "--catalog",
            str(catalog),
            "--out",
            str(out),
            "--setups",
            "0",
            "--granularity",
            "polar",
            "--bootstrap",
            "20",
            *extra,
        ]
    )


@pytest.mark.parametrize(
    ("baseline", "option", "expected"),
    [
        ("resemblance", "k=-1", "Invalid value -1 for option 'k' of baseline 'resemblance'"),
        ("resemblance", "k=abc", "Invalid value 'abc' for option 'k'"),
        ("lowrank", "rank=0", "Invalid value 0 for option 'rank' of baseline 'lowrank'"),
        ("demographic-majority", "min_cell=0", "Invalid value 0 for option 'min_cell'"),
    ],
)
def test_cli_bad_option_value(
    catalog_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    baseline: str,
    option: str,
    expected: str,
) -> None:
    """An out-of-range or non-numeric baseline option exits 8 with the range, no traceback, no run folder."""
    with pytest.raises(SystemExit) as exit_info:
        evaluate(catalog_dir, tmp_path / "run", "--baseline", baseline, "--option", option)
    assert exit_info.value.code == 8
    err = capsys.readouterr().err
    assert expected in err
    assert "expected an integer of at least 1" in err
    assert "Traceback" not in err
    assert not (tmp_path / "run").exists()


def test_demographics_with_baseline_rejected(
    catalog_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--demographics with a baseline exits 8 and says that baselines take no prompt."""
    with pytest.raises(SystemExit) as exit_info:
        evaluate(catalog_dir, tmp_path / "run", "--baseline", "majority", "--demographics")
    assert exit_info.value.code == 8
    assert "takes no prompt" in capsys.readouterr().err
    with pytest.raises(EvaluationError, match="demographics"):
        EvaluationConfig(catalog="x", baseline="resemblance", demographics=True)


def test_help_text(capsys: pytest.CaptureFixture[str]) -> None:
    """The help prints a single percent sign and says --demographics is rejected with a baseline."""
    main(["evaluate", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "95% intervals" in out
    assert "%%" not in out
    assert "Rejected with --baseline" in out


def test_summary_one_person(catalog_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A run of one person prints "1 person" and no parse-failure count for a baseline."""
    evaluate(catalog_dir, tmp_path / "run", "--baseline", "majority", "--limit", "1")
    out = capsys.readouterr().out
    assert "baseline:majority: 1 person, run directory" in out
    assert "unparsed" not in out


def test_summary_two_people(catalog_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A run of two people prints "2 people"."""
    evaluate(catalog_dir, tmp_path / "run", "--baseline", "majority", "--limit", "2")
    assert "baseline:majority: 2 people, run directory" in capsys.readouterr().out


def test_single_summary_counts_unparsed(
    catalog_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A --format single run of a random-weight model prints the unparsed answers beside the accuracy."""
    from indievaluecatalog.evaluate.backends._random_model import (
        SIMPLE_CHAT_TEMPLATE,
        build_bpe_tokenizer,
        build_random_model,
    )

    tokenizer = build_bpe_tokenizer(
        ["Option 0", "Option 1", "Statements of one person:"],
        vocab_size=300,
        chat_template=SIMPLE_CHAT_TEMPLATE,
    )
    model = build_random_model("tiny-llama", tokenizer, seed=3)
    folder = tmp_path / "model"
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    evaluate(
        catalog_dir,
        tmp_path / "run",
        "--model",
        str(folder),
        "--backend",
        "hf",
        "--format",
        "single",
        "--demos",
        "0",
        "--limit",
        "1",
        "--option",
        "device=cpu",
        "--option",
        "max_new_tokens=2",
        "--option",
        "max_retries=0",
    )
    out = capsys.readouterr().out
    assert "1 person" in out
    assert " answers unparsed" in out
    line = next(text for text in out.splitlines() if text.strip().startswith("polar:"))
    assert "of 39 answers unparsed" in line

"""The `sample` command and the built-in sample shipped in the package."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from indievaluecatalog.cli import main
from indievaluecatalog.sample import builtin_sample_path, read_sample_provenance, write_sample
from indievaluecatalog.sample._provenance import BUILTIN_SAMPLE_RESPONDENTS, BUILTIN_SAMPLE_SEED


@pytest.mark.parametrize("fmt", ["sav", "zsav", "dta", "csv"])
def test_cli_writes_each_format(tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`sample --format F` writes a readable file of that format."""
    out = tmp_path / f"cli.{fmt}"
    main(["sample", "--respondents", "40", "--seed", "2", "--format", fmt, "--out", str(out)])
    assert "SYNTHETIC" in capsys.readouterr().out
    if fmt == "csv":
        frame = pd.read_csv(out)
    elif fmt == "dta":
        frame, _ = pyreadstat.read_dta(str(out))
    else:
        frame, _ = pyreadstat.read_sav(str(out))
    assert len(frame) == 40


def test_cli_layout_version_encoding(tmp_path: Path) -> None:
    """`--layout`, `--version` and `--encoding` reach the file."""
    out = tmp_path / "ts.sav"
    main(
        [
            "sample",
            "--respondents",
            "30",
            "--layout",
            "joint",
            "--version",
            "5.0",
            "--encoding",
            "latin-1",
            "--out",
            str(out),
        ]
    )
    provenance = read_sample_provenance(out)
    assert provenance is not None
    assert provenance.layout == "joint"
    assert provenance.version == "5.0"


@pytest.mark.parametrize(
    ("arguments", "code", "message"),
    [
        (["--format", "xls"], 2, "'xls' is not one of"),
        (["--respondents", "0"], 2, "0 is not in the range"),
        (["--seed", "-3"], 2, "-3 is not in the range"),
    ],
)
def test_cli_rejects_bad_options(
    tmp_path: Path, arguments: list[str], code: int, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad options exit with a usage error that names the option value."""
    with pytest.raises(SystemExit) as exit_info:
        main(["sample", "--out", str(tmp_path / "x.sav"), *arguments])
    assert exit_info.value.code == code
    assert message in capsys.readouterr().err


def test_cli_unwritable_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An output path under a regular file exits 13 and says the folder does not exist."""
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(SystemExit) as exit_info:
        main(["sample", "--respondents", "10", "--out", str(blocker / "x.sav")])
    assert exit_info.value.code == 13
    assert "does not exist" in capsys.readouterr().err


def test_cli_format_mismatch_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--format dta --out good.sav` exits 13, names the mismatch and keeps the existing file."""
    good = tmp_path / "good.sav"
    main(["sample", "--respondents", "20", "--out", str(good)])
    before = hashlib.sha256(good.read_bytes()).hexdigest()
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        main(["sample", "--respondents", "20", "--format", "dta", "--out", str(good)])
    assert exit_info.value.code == 13
    assert "does not match the suffix '.sav'" in capsys.readouterr().err
    assert hashlib.sha256(good.read_bytes()).hexdigest() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["good.sav"]


def test_cli_other_suffix_prints_provenance(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With `--format sav --out x.data` the summary still carries the provenance line."""
    main(["sample", "--respondents", "20", "--format", "sav", "--out", str(tmp_path / "x.data")])
    assert "SYNTHETIC" in capsys.readouterr().out


def test_builtin_sample_is_synthetic() -> None:
    """The built-in sample says it is synthetic and covers every continent."""
    path = builtin_sample_path()
    assert path.stat().st_size < 4_000_000
    provenance = read_sample_provenance(path)
    assert provenance is not None
    assert provenance.seed == BUILTIN_SAMPLE_SEED
    frame, _ = pyreadstat.read_sav(str(path), usecols=["B_COUNTRY"])
    codes = set(frame["B_COUNTRY"].astype(int))
    assert {36, 554} <= codes  # Australia and New Zealand: Oceania
    assert len(codes) == 66


def test_builtin_sample_is_current(tmp_path: Path) -> None:
    """Regenerating the built-in sample gives the shipped bytes."""
    fresh = write_sample(
        tmp_path / "fresh.zsav", respondents=BUILTIN_SAMPLE_RESPONDENTS, seed=BUILTIN_SAMPLE_SEED
    )
    shipped = hashlib.sha256(builtin_sample_path().read_bytes()).hexdigest()
    assert hashlib.sha256(fresh.read_bytes()).hexdigest() == shipped, (
        "run: python scripts/make_builtin_sample.py"
    )


def test_wheel_contains_builtin_sample(tmp_path: Path) -> None:
    """The wheel that hatch builds ships the built-in sample."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(root),
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {result.stderr[-300:]}")
    wheel = next(tmp_path.glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "indievaluecatalog/sample/data/wvs7_synthetic_sample.zsav" in names

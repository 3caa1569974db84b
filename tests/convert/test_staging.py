"""The staged catalog folder: background writes, and cleanup when the build fails while they run."""

from __future__ import annotations

import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from indievaluecatalog._features import Features, Value
from indievaluecatalog.convert import BuildOptions, CatalogConfig, build_catalog
from indievaluecatalog.convert._write import StagedCatalog


def _config(name: str, rows: int = 3) -> CatalogConfig:
    table = pa.table({"x": pa.array(range(rows), type=pa.int16())})
    return CatalogConfig(name=name, table=table, features=Features.of({"x": Value("int16")}))


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_early_and_late_writes_land(tmp_path: Path) -> None:
    """A config written early and one written by finish both end up at their data file paths."""
    out = tmp_path / "catalog"
    with StagedCatalog(out, overwrite=False) as staged:
        first = _config("first", rows=5)
        staged.write_data(first)
        manifest = staged.finish(
            [first, _config("second")],
            text_files={},
            manifest={"builder": "indievaluecatalog"},
            render_card=str,
        )
    assert pq.read_table(out / "data" / "first.parquet").num_rows == 5
    assert pq.read_table(out / "data" / "second.parquet").num_rows == 3
    assert set(manifest["files"]) == {"README.md", "data/first.parquet", "data/second.parquet"}
    assert _hidden(tmp_path) == []


def test_duplicate_write_rejected(tmp_path: Path) -> None:
    """Writing the same config and split twice raises and leaves no staging folder."""
    with (
        pytest.raises(ValueError, match="already being written"),
        StagedCatalog(tmp_path / "catalog", overwrite=False) as staged,
    ):
        staged.write_data(_config("twice"))
        staged.write_data(_config("twice"))
    assert list(tmp_path.iterdir()) == []


def test_error_during_write_cleans_up(
    official_sav: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build that fails while the respondents file is still being written leaves no folder behind."""
    from indievaluecatalog.convert import _build, _write

    started = threading.Event()
    release = threading.Event()
    original = _write.write_parquet

    def slow_write(table: pa.Table, path: Path) -> None:
        started.set()
        release.wait(timeout=30)
        original(table, path)

    def failing_task_tables(*args: object, **kwargs: object) -> None:
        assert started.wait(timeout=30), "the respondents file should be writing by now"
        release.set()
        raise RuntimeError("task tables failed (injected)")

    monkeypatch.setattr(_write, "write_parquet", slow_write)
    monkeypatch.setattr(_build, "build_task_tables", failing_task_tables)
    out = tmp_path / "catalog"
    with pytest.raises(RuntimeError, match="injected"):
        build_catalog(official_sav, BuildOptions(out=out))
    assert not out.exists()
    assert _hidden(tmp_path) == []

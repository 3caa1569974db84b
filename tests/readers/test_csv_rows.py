"""CSV files whose rows have another number of fields than the header: truncated downloads and damaged rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from indievaluecatalog.cli import main
from indievaluecatalog.errors import InputFileError
from indievaluecatalog.readers import _csv_rows, read_wvs_file
from indievaluecatalog.readers._csv_rows import RaggedRow, find_ragged_row


def _error(path: Path) -> InputFileError:
    with pytest.raises(InputFileError) as caught:
        read_wvs_file(path)
    error = caught.value
    assert error.exit_code == 4
    assert str(path) in error.message, "the message must name the file"
    assert error.hint, "the error must say what to do"
    return error


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")


def test_truncated_csv_rejected(wvs_files: Any) -> None:
    """A CSV cut off in the middle of a row names the file and the line and says it looks truncated."""
    data = wvs_files.official("wvs7.csv").read_bytes()
    cut = data[: len(data) // 2]
    truncated = wvs_files.folder / "truncated.csv"
    truncated.write_bytes(cut)
    line = cut.count(b"\n") + 1
    error = _error(truncated)
    assert f"its last row (line {line}) has" in error.message
    assert "looks truncated (cut off in the middle of a row)" in error.message


def test_truncated_csv_with_line_break(wvs_files: Any) -> None:
    """A cut CSV that still ends in a line break, and blank lines after it, is rejected the same way."""
    data = wvs_files.official("wvs7.csv").read_bytes()
    cut = data[: len(data) // 3]
    truncated = wvs_files.folder / "truncated.csv"
    truncated.write_bytes(cut + b"\n\n")
    line = cut.count(b"\n") + 1
    error = _error(truncated)
    assert f"its last row (line {line})" in error.message
    assert "looks truncated" in error.message


def test_short_row_inside_csv(wvs_files: Any) -> None:
    """A row with too few fields before other rows names its line and says the file looks damaged."""
    path = wvs_files.official("wvs7.csv")
    lines = _lines(path)
    lines[10] = lines[10].rsplit(b",", 5)[0]
    path.write_bytes(b"\n".join(lines))
    error = _error(path)
    assert "line 11 has" in error.message
    assert "looks truncated or damaged" in error.message


def test_long_row_inside_csv(wvs_files: Any) -> None:
    """A row with more fields than the header is rejected with its line and both field counts."""
    path = wvs_files.official("wvs7.csv")
    lines = _lines(path)
    header_fields = lines[0].count(b",") + 1
    lines[4] = lines[4] + b",1,2"
    path.write_bytes(b"\n".join(lines))
    error = _error(path)
    assert f"line 5 has {header_fields + 2} fields but the header has {header_fields}" in error.message


def test_semicolon_csv_truncated(wvs_files: Any) -> None:
    """The check counts the delimiter that the header uses."""
    path = wvs_files.official("wvs7.csv")
    text = path.read_bytes().replace(b",", b";")
    path.write_bytes(text[: len(text) // 2])
    error = _error(path)
    assert "looks truncated" in error.message


def test_quoted_fields_accepted(wvs_files: Any) -> None:
    """Quoted fields with a delimiter or a line break inside are one field each, so the file reads."""
    path = wvs_files.official("wvs7.csv")
    lines = _lines(path)
    header = lines[0].split(b",")
    column = header.index(b"version")
    for index in (1, 2):
        fields = lines[index].split(b",")
        fields[column] = b'"6-0-0, with a comma\nand a line break"'
        lines[index] = b",".join(fields)
    path.write_bytes(b"\n".join(lines))
    survey = read_wvs_file(path)
    assert len(survey.responses) == wvs_files.n


def test_quoted_csv_truncated(wvs_files: Any) -> None:
    """A truncated file with quoted fields goes through the csv module and is still rejected."""
    path = wvs_files.official("wvs7.csv")
    lines = _lines(path)
    column = lines[0].split(b",").index(b"version")
    fields = lines[1].split(b",")
    fields[column] = b'"6-0-0, quoted"'
    lines[1] = b",".join(fields)
    data = b"\n".join(lines)
    path.write_bytes(data[: len(data) // 2])
    error = _error(path)
    assert "looks truncated (cut off in the middle of a row)" in error.message


def test_crlf_and_blank_lines_accepted(wvs_files: Any) -> None:
    """Windows line breaks and blank lines between and after rows are not ragged rows."""
    path = wvs_files.official("wvs7.csv")
    lines = [line for line in _lines(path) if line]
    lines.insert(3, b"")
    path.write_bytes(b"\r\n".join(lines) + b"\r\n\r\n")
    survey = read_wvs_file(path)
    assert len(survey.responses) == wvs_files.n


@pytest.mark.parametrize("block_bytes", [1, 2, 3, 7, 64, 1 << 24])
@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"a,b,c\n1,2,3\n4,5,6\n", None),
        (b"a,b,c\r\n1,2,3\r\n\r\n4,5,6\r\n\r\n", None),
        (b"a,b,c\n1,2,3\n4,5,6", None),
        (b"a,b,c\n1,2,3\n4,5", RaggedRow(line=3, fields=2, last=True)),
        (b"a,b,c\n1,2,3\n4,5\n\n", RaggedRow(line=3, fields=2, last=True)),
        (b"a,b,c\r\n1,2\r\n4,5,6\r\n", RaggedRow(line=2, fields=2, last=False)),
        (b"a,b,c\n1,2,3,4\n4,5,6\n", RaggedRow(line=2, fields=4, last=False)),
        (b"a,b,c\n,,\n", None),
        (b'a,b,c\n"x,y",2,3\n4,5', RaggedRow(line=3, fields=2, last=True)),
        (b'a,b,c\n"x\ny",2,3\n4,5,6\n', None),
        (b'a,b,c\n"x\ny",2\n4,5,6\n', RaggedRow(line=3, fields=2, last=False)),
    ],
)
def test_find_ragged_row_cases(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    block_bytes: int,
    content: bytes,
    expected: RaggedRow | None,
) -> None:
    """The byte scan gives the same answer for any block size, across line breaks split between blocks."""
    monkeypatch.setattr(_csv_rows, "_BLOCK_BYTES", block_bytes)
    path = tmp_path / "rows.csv"
    path.write_bytes(content)
    assert find_ragged_row(path, ",", 3) == expected


def test_cli_build_truncated_csv(wvs_files: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`build` of a truncated CSV exits 4 without a traceback and writes no catalog."""
    data = wvs_files.official("wvs7.csv").read_bytes()
    truncated = wvs_files.folder / "truncated.csv"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(SystemExit) as exit_info:
        main(["build", str(truncated), "--out", str(tmp_path / "catalog")])
    assert exit_info.value.code == 4
    err = capsys.readouterr().err
    assert "looks truncated" in err
    assert "Traceback" not in err
    assert not (tmp_path / "catalog").exists()

"""Open raw survey files by suffix: SPSS ``.sav``, Stata ``.dta``, ``.csv``, or a ``.zip`` holding one of them.

Each reader returns the column names first (cheap), so the caller can detect the layout and read only the
columns it needs. SPSS and Stata files go through pyreadstat with ``user_missing=True``, so the negative WVS
missing codes come back as values instead of being folded into NaN.
"""

from __future__ import annotations

import csv
import logging
import tempfile
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyreadstat

from indievaluecatalog.errors import InputFileError
from indievaluecatalog.readers._csv_rows import find_ragged_row
from indievaluecatalog.readers._records import FileFormat

logger = logging.getLogger(__name__)

SUFFIXES: dict[str, FileFormat] = {".sav": "sav", ".zsav": "sav", ".dta": "dta", ".csv": "csv"}
FALLBACK_ENCODING = "latin-1"
_CSV_SAMPLE_BYTES = 64 * 1024


@dataclass(frozen=True)
class FileHeader:
    """Column names and declared properties of a data file, read without its rows."""

    path: Path
    file_format: FileFormat
    columns: tuple[str, ...]
    rows: int | None
    """Row count declared in the file header; None when unknown (CSV, or a header that does not say)."""
    encoding: str
    csv_delimiter: str = ","
    file_label: str | None = None
    notes: tuple[str, ...] = ()
    """File label and notes of an SPSS or Stata file; a synthetic sample marks itself there."""


@dataclass(frozen=True)
class FileData:
    """Selected columns of a data file with the value labels it declares."""

    frame: pd.DataFrame
    value_labels: Mapping[str, Mapping[int, str]]
    encoding: str
    warnings: tuple[str, ...]


@contextmanager
def opened_data_file(path: Path) -> Iterator[tuple[Path, str | None]]:
    """Yield the data file to read and its member name: ``path`` itself, or the one data file of a zip archive.

    A zip member is extracted to a temporary folder that is removed on exit, because pyreadstat reads from a path.
    """
    check_input_path(path)
    if path.suffix.lower() != ".zip":
        yield path, None
        return
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InputFileError(
            f"{path} is not a valid zip archive (it may be truncated or damaged).",
            hint="download the file again, or unpack it and pass the .sav, .dta or .csv file",
        ) from None
    with archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and Path(info.filename).suffix.lower() in SUFFIXES
            and not Path(info.filename).name.startswith(".")
            and "__MACOSX" not in info.filename
        ]
        if len(members) != 1:
            found = ", ".join(info.filename for info in members) or "none"
            raise InputFileError(
                f"{path} must contain exactly one .sav, .dta or .csv file; found {len(members)} ({found}).",
                hint="unpack the archive and pass the data file you want to build from",
            )
        member = members[0]
        with tempfile.TemporaryDirectory(prefix="indievaluecatalog-zip-") as folder:
            target = Path(folder) / Path(member.filename).name
            try:
                with archive.open(member) as source, target.open("wb") as sink:
                    while chunk := source.read(1 << 20):
                        sink.write(chunk)
            except (zipfile.BadZipFile, EOFError, OSError) as error:
                raise InputFileError(
                    f"{path}: member {member.filename} cannot be extracted ({error}); the archive may be truncated.",
                    hint="download the archive again",
                ) from None
            yield target, member.filename


def check_input_path(path: Path) -> None:
    """Raise InputFileError when ``path`` is missing, not a file, empty, or has an unsupported suffix."""
    if not path.exists():
        raise InputFileError(
            f"Input file {path} not found.",
            hint="check the path, or run `indievaluecatalog build` without a file to build from the synthetic sample",
        )
    if not path.is_file():
        raise InputFileError(f"Input path {path} is not a file.", hint="pass a .sav, .dta, .csv or .zip file")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES and suffix != ".zip":
        raise InputFileError(
            f"Input file {path} has the unsupported suffix {suffix or '(none)'!r}.",
            hint="pass an SPSS .sav, Stata .dta, .csv file, or a .zip holding one of them",
        )
    if path.stat().st_size == 0:
        raise InputFileError(
            f"Input file {path} is empty (0 bytes).", hint="download or export the file again"
        )


def file_format(path: Path) -> FileFormat:
    """Return the format of a data file from its suffix."""
    return SUFFIXES[path.suffix.lower()]


def read_header(path: Path, shown_as: str) -> FileHeader:
    """Read the column names of a data file; ``shown_as`` names the file in error messages."""
    fmt = file_format(path)
    if path.stat().st_size == 0:
        raise InputFileError(f"Data file {shown_as} is empty (0 bytes).", hint="export the file again")
    if fmt == "csv":
        return _csv_header(path, shown_as)
    encoding: str | None = None
    try:
        _, meta = _read_stat(path, fmt, metadataonly=True, encoding=None)
    except pyreadstat.ReadstatError as error:
        if not _is_encoding_error(error):
            raise _unreadable(shown_as, fmt, error) from None
        encoding = FALLBACK_ENCODING
        try:
            _, meta = _read_stat(path, fmt, metadataonly=True, encoding=encoding)
        except pyreadstat.ReadstatError as second:
            raise _unreadable(shown_as, fmt, second) from None
    except pyreadstat.PyreadstatError as error:
        raise _unreadable(shown_as, fmt, error) from None
    declared = encoding or meta.file_encoding or "UTF-8"
    rows = meta.number_rows if isinstance(meta.number_rows, int) and meta.number_rows >= 0 else None
    return FileHeader(
        path=path,
        file_format=fmt,
        columns=tuple(meta.column_names),
        rows=rows,
        encoding=declared,
        file_label=meta.file_label or None,
        notes=tuple(str(note) for note in (meta.notes or [])),
    )


def read_columns(header: FileHeader, columns: Sequence[str], shown_as: str) -> FileData:
    """Read ``columns`` of a data file with its value labels, falling back to latin-1 when text does not decode."""
    if header.file_format == "csv":
        return _read_csv(header, columns, shown_as)
    warnings: list[str] = []
    encoding: str | None = None if header.encoding != FALLBACK_ENCODING else FALLBACK_ENCODING
    try:
        frame, meta = _read_stat(header.path, header.file_format, usecols=list(columns), encoding=encoding)
    except pyreadstat.ReadstatError as error:
        if encoding is not None or not _is_encoding_error(error):
            raise _unreadable(shown_as, header.file_format, error) from None
        encoding = FALLBACK_ENCODING
        try:
            frame, meta = _read_stat(
                header.path, header.file_format, usecols=list(columns), encoding=encoding
            )
        except pyreadstat.ReadstatError as second:
            raise _unreadable(shown_as, header.file_format, second) from None
    except pyreadstat.PyreadstatError as error:
        raise _unreadable(shown_as, header.file_format, error) from None
    if encoding == FALLBACK_ENCODING:
        message = (
            f"{shown_as}: text does not decode with the declared encoding; read it as latin-1 instead. "
            "Check value labels with non-ASCII characters in the label drift report."
        )
        logger.warning(message)
        warnings.append(message)
    labels = {
        name: {int(code): str(label) for code, label in mapping.items() if _is_integral(code)}
        for name, mapping in meta.variable_value_labels.items()
    }
    return FileData(
        frame=frame, value_labels=labels, encoding=encoding or header.encoding, warnings=tuple(warnings)
    )


def _read_stat(
    path: Path,
    fmt: FileFormat,
    *,
    metadataonly: bool = False,
    usecols: list[str] | None = None,
    encoding: str | None,
) -> tuple[pd.DataFrame, pyreadstat.metadata_container]:
    reader = pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta
    frame, meta = reader(
        str(path), metadataonly=metadataonly, usecols=usecols, user_missing=True, encoding=encoding
    )
    return frame, meta


def _is_encoding_error(error: Exception) -> bool:
    text = str(error).lower()
    return any(word in text for word in ("encod", "convert", "iconv", "utf", "charset"))


def _is_integral(code: object) -> bool:
    return isinstance(code, (int, float)) and float(code).is_integer()


def _unreadable(shown_as: str, fmt: FileFormat, error: Exception) -> InputFileError:
    kind = {"sav": "SPSS .sav", "dta": "Stata .dta", "csv": "CSV"}[fmt]
    text = str(error)
    if "expected number of rows" in text or "truncat" in text.lower():
        what = "is truncated: it ends before all its rows"
    else:
        what = f"cannot be read as a {kind} file ({text})"
    return InputFileError(
        f"Data file {shown_as} {what}.",
        hint=f"check that it is a complete {kind} file (download or export it again)",
    )


def _csv_header(path: Path, shown_as: str) -> FileHeader:
    with path.open("rb") as handle:
        sample = handle.read(_CSV_SAMPLE_BYTES)
    if b"\x00" in sample:
        raise InputFileError(
            f"Data file {shown_as} is not a text CSV file (it contains binary data).",
            hint="pass a comma-, semicolon- or tab-separated text file, or the .sav or .dta file",
        )
    try:
        text = sample.decode("utf-8-sig")
        encoding = "utf-8"
    except UnicodeDecodeError as error:
        # A cut multi-byte character at the end of the sample is not a decoding failure.
        if error.start >= len(sample) - 4:
            text = sample[: error.start].decode("utf-8-sig")
            encoding = "utf-8"
        else:
            text = sample.decode(FALLBACK_ENCODING)
            encoding = FALLBACK_ENCODING
    first_line = text.splitlines()[0] if text.strip() else ""
    if not first_line:
        raise InputFileError(
            f"Data file {shown_as} has no header line.", hint="export the file again with a header"
        )
    delimiter = max((",", ";", "\t"), key=first_line.count)
    columns = next(csv.reader([first_line], delimiter=delimiter))
    columns = [name.strip() for name in columns]
    return FileHeader(
        path=path,
        file_format="csv",
        columns=tuple(columns),
        rows=None,
        encoding=encoding,
        csv_delimiter=delimiter,
    )


def _read_csv(header: FileHeader, columns: Sequence[str], shown_as: str) -> FileData:
    _check_row_lengths(header, shown_as)
    warnings: list[str] = []
    encoding = header.encoding
    try:
        frame = _pandas_csv(header, columns, encoding)
    except UnicodeDecodeError:
        encoding = FALLBACK_ENCODING
        frame = _pandas_csv(header, columns, encoding)
    if encoding == FALLBACK_ENCODING:
        message = f"{shown_as}: text is not valid UTF-8; read it as latin-1 instead."
        logger.warning(message)
        warnings.append(message)
    return FileData(frame=frame, value_labels={}, encoding=encoding, warnings=tuple(warnings))


def _check_row_lengths(header: FileHeader, shown_as: str) -> None:
    """Raise InputFileError for a row with another number of fields than the header; pandas would pad a short one."""
    expected = len(header.columns)
    ragged = find_ragged_row(header.path, header.csv_delimiter, expected)
    if ragged is None:
        return
    if ragged.last:
        row = f"its last row (line {ragged.line})"
        looks = "looks truncated (cut off in the middle of a row)"
    else:
        row = f"line {ragged.line}"
        looks = "looks truncated or damaged"
    raise InputFileError(
        f"Data file {shown_as}: {row} has {ragged.fields} fields but the header has {expected}, so the file "
        f"{looks}.",
        hint="download or export the file again; every row of a CSV file must have as many fields as its header",
    )


def _pandas_csv(header: FileHeader, columns: Sequence[str], encoding: str) -> pd.DataFrame:
    wanted = set(columns)
    try:
        return pd.read_csv(
            header.path,
            sep=header.csv_delimiter,
            usecols=lambda name: name.strip() in wanted,
            encoding="utf-8-sig" if encoding == "utf-8" else encoding,
            low_memory=False,
        ).rename(columns=str.strip)
    except pd.errors.ParserError as error:
        raise InputFileError(
            f"Data file {header.path.name} is not a well-formed CSV file ({error}).",
            hint="check that every row has as many fields as the header (the file may be truncated)",
        ) from None

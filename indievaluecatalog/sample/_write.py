"""Write a synthetic survey as SPSS ``.sav``/``.zsav``, Stata ``.dta`` or ``.csv``, byte for byte reproducibly.

ReadStat (under pyreadstat) stamps the creation time into the headers of ``.sav`` and ``.dta`` files. The
writer overwrites that stamp with a fixed time, so the same seed gives the same bytes.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import pyreadstat

from indievaluecatalog.codebook import Codebook
from indievaluecatalog.errors import SampleError
from indievaluecatalog.sample._generate import generate_sample
from indievaluecatalog.sample._provenance import read_sample_provenance
from indievaluecatalog.sample._records import SampleFormat, SyntheticSurvey

logger = logging.getLogger(__name__)

FORMATS: tuple[SampleFormat, ...] = ("sav", "zsav", "dta", "csv")
ENCODINGS = ("utf-8", "latin-1")

# Fixed creation stamps: SPSS stores "dd mmm yy" and "hh:mm:ss" at bytes 92-108 of the header; Stata 118
# stores "dd Mon yyyy hh:mm" after the <timestamp> tag and a length byte.
_SAV_STAMP = b"01 Jan 2400:00:00"
_SAV_STAMP_OFFSET = 92
_DTA_STAMP = b"01 Jan 2024 00:00"
_DTA_VERSION = 14
"""Stata 14 format (release 118), the format of the official ``.dta`` downloads."""


def write_sample(
    out: str | Path,
    *,
    respondents: int = 3000,
    seed: int = 0,
    fmt: str | None = None,
    version: str = "6.0",
    layout: str = "official",
    encoding: str | None = None,
    codebook: Codebook | None = None,
    sparse_respondents: int = 0,
    empty_respondents: int = 0,
) -> Path:
    """Generate a synthetic WVS-7 file and write it to ``out``; return the path written.

    ``fmt`` defaults to the suffix of ``out`` (``.sav``, ``.zsav``, ``.dta``, ``.csv``). When ``out`` has one
    of these suffixes, ``fmt`` must agree with it. ``encoding="latin-1"`` writes a latin-1 encoded ``.sav`` or
    ``.csv``. The file is written to a temporary name in the same folder, read back, and only then moved into
    place, so a failed run leaves no partial file and keeps an existing file at ``out`` unchanged. Raises
    SampleError for an unknown format or encoding, a format that disagrees with the suffix, an output folder
    that does not exist or cannot be written, and arguments out of range.
    """
    path = Path(out)
    resolved = resolve_format(path, fmt)
    resolved_encoding = check_encoding(resolved, encoding)
    check_output_folder(path)
    try:
        survey = generate_sample(
            respondents=respondents,
            seed=seed,
            version=version,
            layout=layout,
            codebook=codebook,
            sparse_respondents=sparse_respondents,
            empty_respondents=empty_respondents,
        )
    except ValueError as error:
        raise SampleError(
            f"Cannot generate the sample for {path}: {error}.", hint="fix the argument"
        ) from error
    write_survey(survey, path, resolved, resolved_encoding)
    return path


def resolve_format(path: Path, fmt: str | None) -> SampleFormat:
    """Return the output format: ``fmt`` when given, else from the suffix of ``path``.

    Raises SampleError for an unknown format, and for a ``fmt`` that differs from a known suffix of ``path``,
    because a file such as ``x.csv`` holding SPSS bytes is read with the wrong reader later.
    """
    suffix = path.suffix.lstrip(".").lower()
    name = (fmt or suffix).lower()
    resolved = _known_format(name)
    if resolved is None:
        given = f"format {fmt!r}" if fmt else f"suffix {path.suffix!r} of {path}"
        raise SampleError(
            f"Unknown sample file {given}.",
            hint=f"use one of {', '.join(FORMATS)} (as --format or as the file suffix)",
        )
    suffix_format = _known_format(suffix)
    if suffix_format is not None and suffix_format != resolved:
        raise SampleError(
            f"Format {resolved!r} does not match the suffix {path.suffix!r} of {path}.",
            hint=f"name the file with the suffix .{resolved}, or leave out --format to write {suffix_format}",
        )
    return resolved


def _known_format(name: str) -> SampleFormat | None:
    for known in FORMATS:
        if name == known:
            return known
    return None


def check_encoding(fmt: SampleFormat, encoding: str | None) -> str:
    """Return the normalised encoding, or raise SampleError when the format cannot be written in it."""
    normalised = (encoding or "utf-8").lower().replace("_", "-")
    if normalised in ("latin1", "iso-8859-1"):
        normalised = "latin-1"
    if normalised not in ENCODINGS:
        raise SampleError(f"Unknown encoding {encoding!r}.", hint=f"use one of {', '.join(ENCODINGS)}")
    if normalised == "latin-1" and fmt == "zsav":
        raise SampleError(
            "A latin-1 .zsav cannot be written: re-encoding would move the offsets of its compressed blocks.",
            hint="write a latin-1 .sav instead",
        )
    if normalised == "latin-1" and fmt == "dta":
        raise SampleError(
            "Stata 14 and later .dta files are always UTF-8, so a latin-1 .dta cannot be written.",
            hint="write a latin-1 .sav or .csv instead",
        )
    return normalised


def check_output_folder(path: Path) -> None:
    """Raise SampleError when the folder of ``path`` is missing or not writable, or ``path`` is a folder."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise SampleError(f"Output path {path} is a folder.", hint="give a file name such as sample.sav")
    if not folder.is_dir():
        raise SampleError(
            f"Output folder {folder} does not exist.", hint="create it first or choose another path"
        )
    if not os.access(folder, os.W_OK):
        raise SampleError(f"Output folder {folder} is not writable.", hint="choose a folder you can write to")


def write_survey(survey: SyntheticSurvey, path: Path, fmt: SampleFormat, encoding: str = "utf-8") -> None:
    """Write ``survey`` to ``path`` in ``fmt`` through a temporary file in the same folder."""
    try:
        descriptor, temporary_name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".part", dir=path.parent
        )
    except OSError as error:
        raise SampleError(
            f"Cannot write the sample file {path}: {error}.", hint="choose a writable folder"
        ) from error
    os.close(descriptor)
    temporary = Path(temporary_name)
    try:
        if fmt in ("sav", "zsav"):
            _write_sav(survey, temporary, compress=fmt == "zsav")
            if encoding == "latin-1":
                from indievaluecatalog.sample._latin1 import recode_sav_to_latin1

                recode_sav_to_latin1(temporary)
        elif fmt == "dta":
            _write_dta(survey, temporary)
        else:
            survey.frame.to_csv(temporary, index=False, encoding=encoding, lineterminator="\n")
        # mkstemp creates the file readable by its owner only; give it the usual permissions of a new file.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        _check_readable(temporary, path, fmt)
        os.replace(temporary, path)
    except OSError as error:
        raise SampleError(
            f"Cannot write the sample file {path}: {error}.", hint="check the path and free space"
        ) from error
    finally:
        temporary.unlink(missing_ok=True)
    logger.info("Wrote %s (%s, %d rows, %d columns)", path, fmt, *survey.frame.shape)


def _check_readable(temporary: Path, path: Path, fmt: SampleFormat) -> None:
    """Read the metadata of the written ``temporary`` back, so that unreadable bytes never replace ``path``."""
    try:
        read_sample_provenance(temporary, fmt=fmt)
    except SampleError as error:
        raise SampleError(
            f"The {fmt} file written for {path} cannot be read back: {error.message}",
            hint="report this as a bug; the existing file at that path, if any, is unchanged",
        ) from error


def _write_sav(survey: SyntheticSurvey, path: Path, *, compress: bool) -> None:
    pyreadstat.write_sav(
        survey.frame,
        str(path),
        file_label=survey.file_label,
        column_labels=dict(survey.variable_labels),
        compress=compress,
        row_compress=not compress,
        note=list(survey.notes),
        variable_value_labels=_value_labels(survey),
        missing_ranges={name: [{"lo": lo, "hi": hi}] for name, (lo, hi) in survey.user_missing.items()},
    )
    with path.open("r+b") as handle:
        handle.seek(_SAV_STAMP_OFFSET)
        handle.write(_SAV_STAMP)


def _write_dta(survey: SyntheticSurvey, path: Path) -> None:
    # Stata variable labels hold at most 80 characters.
    labels: dict[str, str | None] = {name: label[:80] for name, label in survey.variable_labels.items()}
    pyreadstat.write_dta(
        survey.frame,
        str(path),
        file_label=survey.file_label[:80],
        column_labels=labels,
        version=_DTA_VERSION,
        variable_value_labels=_value_labels(survey),
    )
    with path.open("r+b") as handle:
        header = handle.read(512)
        tag = header.find(b"<timestamp>")
        if tag < 0:
            raise SampleError(f"{path} has no Stata timestamp in its header.", hint="report this as a bug")
        if header[tag + len(b"<timestamp>")] != len(_DTA_STAMP):
            raise SampleError(
                f"{path} has an unexpected Stata timestamp length.", hint="report this as a bug"
            )
        handle.seek(tag + len(b"<timestamp>"))
        handle.write(bytes([len(_DTA_STAMP)]) + _DTA_STAMP)


def _value_labels(survey: SyntheticSurvey) -> dict[str, dict[int | float, str]]:
    return {
        name: {code: text for code, text in labels.items()} for name, labels in survey.value_labels.items()
    }

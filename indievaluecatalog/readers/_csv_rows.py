"""Find CSV rows whose number of fields differs from the header, such as the short last row of a cut download.

pandas pads a row with too few fields with blank cells and keeps it, so a truncated CSV would build as a
derivative export with gaps. This check runs before pandas reads the file.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

_BLOCK_BYTES = 1 << 24
_NEWLINE = ord("\n")
_CARRIAGE_RETURN = ord("\r")


@dataclass(frozen=True)
class RaggedRow:
    """The first data row whose field count differs from the header's."""

    line: int
    """Line number in the file, counting the header as line 1; the last line of a row that spans lines."""
    fields: int
    last: bool
    """True when no other row follows, as in a file cut off in the middle of its last row."""


def find_ragged_row(path: Path, delimiter: str, expected_fields: int) -> RaggedRow | None:
    """Return the first row of ``path`` with another number of fields than ``expected_fields``, or None.

    Files without a double quote are scanned as bytes in blocks with numpy, because a delimiter or a line break
    can then only separate fields or rows. A file with a quote goes through the ``csv`` module, which honours
    quoted delimiters and line breaks. Blank lines are skipped, as pandas skips them.
    """
    try:
        with path.open("rb") as handle:
            return _scan_bytes(handle, ord(delimiter), expected_fields)
    except _QuotedFieldsError:
        return _scan_with_csv(path, delimiter, expected_fields)


class _QuotedFieldsError(Exception):
    """The file contains a double quote, so counting delimiter bytes may be wrong."""


def _scan_bytes(handle: BinaryIO, delimiter: int, expected_fields: int) -> RaggedRow | None:
    lines_done = 0
    carry_delimiters = 0
    # Bytes of the unfinished line other than a carriage return, to tell a blank line from a short one.
    carry_content = 0
    previous_byte = -1
    while block := handle.read(_BLOCK_BYTES):
        if b'"' in block:
            raise _QuotedFieldsError
        data = np.frombuffer(block, dtype=np.uint8)
        newlines = np.flatnonzero(data == _NEWLINE)
        delimiters = np.flatnonzero(data == delimiter)
        if len(newlines):
            before = np.searchsorted(delimiters, newlines)
            per_line = np.diff(before, prepend=0)
            per_line[0] += carry_delimiters
            starts = np.concatenate(([0], newlines[:-1] + 1))
            lengths = newlines - starts
            ends_with_return = np.zeros(len(newlines), dtype=bool)
            inside = newlines > starts
            ends_with_return[inside] = data[newlines[inside] - 1] == _CARRIAGE_RETURN
            if newlines[0] == 0:
                ends_with_return[0] = previous_byte == _CARRIAGE_RETURN
            content = lengths - ends_with_return
            content[0] += carry_content
            blank = content == 0
            line_numbers = lines_done + 1 + np.arange(len(newlines))
            wrong = (per_line + 1 != expected_fields) & ~blank & (line_numbers > 1)
            if wrong.any():
                index = int(np.argmax(wrong))
                tail = block[int(newlines[index]) + 1 :]
                return RaggedRow(
                    line=int(line_numbers[index]),
                    fields=int(per_line[index]) + 1,
                    last=not tail.strip() and not _rest_has_content(handle),
                )
            lines_done += len(newlines)
            last_newline = int(newlines[-1])
            carry_delimiters = int(len(delimiters) - before[-1])
            carry_content = len(block) - last_newline - 1
        else:
            carry_delimiters += len(delimiters)
            carry_content += len(block)
        previous_byte = block[-1]
    # A last line without a line break: the usual shape of a download cut off mid-row.
    tail_content = carry_content - (previous_byte == _CARRIAGE_RETURN)
    if tail_content > 0 and lines_done >= 1 and carry_delimiters + 1 != expected_fields:
        return RaggedRow(line=lines_done + 1, fields=carry_delimiters + 1, last=True)
    return None


def _rest_has_content(handle: BinaryIO) -> bool:
    while block := handle.read(_BLOCK_BYTES):
        if block.strip():
            return True
    return False


def _scan_with_csv(path: Path, delimiter: str, expected_fields: int) -> RaggedRow | None:
    # latin-1 decodes every byte, and the delimiter, quote and line break are the same bytes in UTF-8.
    with path.open(encoding="latin-1", newline="") as stream:
        reader = csv.reader(stream, delimiter=delimiter)
        next(reader, None)
        found: RaggedRow | None = None
        for row in reader:
            if not row:
                continue
            if found is not None:
                return RaggedRow(line=found.line, fields=found.fields, last=False)
            if len(row) != expected_fields:
                found = RaggedRow(line=reader.line_num, fields=len(row), last=True)
        return found

"""Re-encode the dictionary of an SPSS file from UTF-8 to latin-1, as older SPSS versions wrote them.

ReadStat writes every ``.sav`` in UTF-8. Older official downloads and many user exports are latin-1 (Windows
code page 1252 in SPSS terms), so the tests of the readers need such a file. This module rewrites the text
parts of the dictionary (file label, variable labels, value labels, documents) in latin-1 and changes the
character-encoding records to say so. The data part is copied unchanged, so string values must be ASCII; the
generator writes only ASCII string values.
"""

from __future__ import annotations

import struct
from pathlib import Path

from indievaluecatalog.errors import SampleError

_TYPOGRAPHIC = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "..."})
_ENCODING_NAME = b"ISO-8859-1"
_CODE_PAGE = 28591
"""Windows code page number of ISO-8859-1, stored in the SPSS machine integer record."""


def to_latin1(text: bytes) -> bytes:
    """Return UTF-8 ``text`` in latin-1; characters latin-1 lacks become their ASCII look-alike or ``?``."""
    return text.decode("utf-8").translate(_TYPOGRAPHIC).encode("latin-1", errors="replace")


def recode_sav_to_latin1(path: Path) -> None:
    """Rewrite the dictionary of the ``.sav``/``.zsav`` file at ``path`` in latin-1, in place."""
    raw = path.read_bytes()
    if raw[:4] not in (b"$FL2", b"$FL3"):
        raise SampleError(f"{path} is not an SPSS system file.", hint="write it with write_sample first")
    out = bytearray(raw[:176])
    label = to_latin1(raw[109:173].rstrip(b" ")).ljust(64, b" ")[:64]
    out[109:173] = label
    position = 176
    while True:
        (record_type,) = struct.unpack_from("<i", raw, position)
        if record_type == 2:
            position = _variable(raw, position, out)
        elif record_type == 3:
            position = _value_labels(raw, position, out)
        elif record_type == 4:
            (count,) = struct.unpack_from("<i", raw, position + 4)
            end = position + 8 + 4 * count
            out += raw[position:end]
            position = end
        elif record_type == 6:
            (lines,) = struct.unpack_from("<i", raw, position + 4)
            out += raw[position : position + 8]
            for line in range(lines):
                start = position + 8 + 80 * line
                out += to_latin1(raw[start : start + 80].rstrip(b" ")).ljust(80, b" ")[:80]
            position += 8 + 80 * lines
        elif record_type == 7:
            position = _extension(raw, position, out)
        elif record_type == 999:
            out += raw[position:]
            break
        else:
            raise SampleError(f"{path}: unknown SPSS record type {record_type}.", hint="report this as a bug")
    path.write_bytes(bytes(out))


def _variable(raw: bytes, position: int, out: bytearray) -> int:
    _, _, has_label, n_missing = struct.unpack_from("<iiii", raw, position)
    end = position + 32
    out += raw[position:end]
    if has_label:
        (length,) = struct.unpack_from("<i", raw, end)
        text = to_latin1(raw[end + 4 : end + 4 + length])
        padded = (len(text) + 3) // 4 * 4
        out += struct.pack("<i", len(text)) + text.ljust(padded, b" ")
        end += 4 + (length + 3) // 4 * 4
    missing_end: int = end + 8 * abs(n_missing)
    out += raw[end:missing_end]
    return missing_end


def _value_labels(raw: bytes, position: int, out: bytearray) -> int:
    (count,) = struct.unpack_from("<i", raw, position + 4)
    out += raw[position : position + 8]
    cursor = position + 8
    for _ in range(count):
        value = raw[cursor : cursor + 8]
        length = raw[cursor + 8]
        text = to_latin1(raw[cursor + 9 : cursor + 9 + length])
        padded = (len(text) + 1 + 7) // 8 * 8 - 1
        out += value + bytes([len(text)]) + text.ljust(padded, b" ")
        cursor += 8 + (length + 1 + 7) // 8 * 8
    return int(cursor)


def _extension(raw: bytes, position: int, out: bytearray) -> int:
    _, subtype, size, count = struct.unpack_from("<iiii", raw, position)
    start = position + 16
    end: int = start + size * count
    body = raw[start:end]
    if subtype == 20:
        out += struct.pack("<iiii", 7, 20, 1, len(_ENCODING_NAME)) + _ENCODING_NAME
        return end
    if subtype == 3 and size == 4 and count == 8:
        fields = list(struct.unpack("<8i", body))
        fields[7] = _CODE_PAGE
        out += raw[position:start] + struct.pack("<8i", *fields)
        return end
    out += raw[position:end]
    return end

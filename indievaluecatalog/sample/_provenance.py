"""The marker that labels a file as synthetic, and the built-in sample that ships with the package."""

from __future__ import annotations

import re
from pathlib import Path

import pyreadstat

from indievaluecatalog.errors import SampleError
from indievaluecatalog.sample._records import LAYOUTS, SampleProvenance

BUILTIN_SAMPLE_NAME = "wvs7_synthetic_sample.zsav"
BUILTIN_SAMPLE_SEED = 0
BUILTIN_SAMPLE_RESPONDENTS = 3000

# The marker fits the 64 bytes of an SPSS file label even with a ten-digit seed.
_MARKER = re.compile(
    r"SYNTHETIC WVS-7 gen (?P<generator>\S+) seed (?P<seed>\d+) n (?P<respondents>\d+) "
    r"v(?P<version>\d\.\d) (?P<layout>[a-z]+)"
)


def provenance_marker(provenance: SampleProvenance) -> str:
    """Return the short marker that file labels and the ``version`` column carry."""
    return (
        f"SYNTHETIC WVS-7 gen {provenance.generator_version} seed {provenance.seed} "
        f"n {provenance.respondents} v{provenance.version} {provenance.layout}"
    )


def parse_provenance(text: str) -> SampleProvenance | None:
    """Return the provenance in ``text`` (a file label, note or ``version`` value), or None when it has none."""
    match = _MARKER.search(text)
    if match is None or match["layout"] not in LAYOUTS:
        return None
    return SampleProvenance(
        generator_version=match["generator"],
        seed=int(match["seed"]),
        respondents=int(match["respondents"]),
        version=match["version"],
        layout=match["layout"],  # type: ignore[arg-type]
    )


def read_sample_provenance(path: str | Path, *, fmt: str | None = None) -> SampleProvenance | None:
    """Return the provenance of a synthetic file written by this package, or None for any other file.

    Reads only the metadata of ``.sav``, ``.zsav`` and ``.dta`` files (file label, then notes) and only the
    first data row of a ``.csv`` (its ``version`` column). ``fmt`` (``sav``, ``zsav``, ``dta``, ``csv``)
    defaults to the suffix of ``path``. Raises SampleError when the file cannot be read.
    """
    file = Path(path)
    kind = (fmt or file.suffix.lstrip(".")).lower()
    try:
        if kind in ("sav", "zsav"):
            _, meta = pyreadstat.read_sav(str(file), metadataonly=True)
            texts = [meta.file_label or "", *(meta.notes or [])]
        elif kind == "dta":
            _, meta = pyreadstat.read_dta(str(file), metadataonly=True)
            texts = [meta.file_label or ""]
        elif kind == "csv":
            texts = [_first_version_value(file)]
        else:
            return None
    except (OSError, pyreadstat.ReadstatError, UnicodeDecodeError) as error:
        raise SampleError(
            f"Cannot read {file}: {error}.", hint="check that the file exists and is complete"
        ) from error
    for text in texts:
        provenance = parse_provenance(text)
        if provenance is not None:
            return provenance
    return None


def _first_version_value(file: Path) -> str:
    import pandas as pd

    try:
        first = pd.read_csv(file, nrows=1, usecols=["version"], dtype=str, encoding_errors="replace")
    except ValueError:
        return ""
    return str(first["version"].iloc[0]) if len(first) else ""


def builtin_sample_path() -> Path:
    """Return the path of the synthetic sample that ships inside the package.

    Raises SampleError when the file is missing, e.g. in a checkout where it was never generated.
    """
    path = Path(__file__).resolve().parent / "data" / BUILTIN_SAMPLE_NAME
    if not path.is_file():
        raise SampleError(
            f"The built-in synthetic sample {path} is missing.",
            hint="regenerate it with: python scripts/make_builtin_sample.py",
        )
    return path

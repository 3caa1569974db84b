"""Regenerate the built-in synthetic sample that ships inside the package.

Run from the repository root: ``python scripts/make_builtin_sample.py``. The file is byte for byte the same
for the same generator version, so ``tests/sample/test_builtin.py`` checks it is current by regenerating it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from indievaluecatalog.sample._provenance import (
    BUILTIN_SAMPLE_NAME,
    BUILTIN_SAMPLE_RESPONDENTS,
    BUILTIN_SAMPLE_SEED,
)
from indievaluecatalog.sample._write import write_sample

TARGET = (
    Path(__file__).resolve().parent.parent / "indievaluecatalog" / "sample" / "data" / BUILTIN_SAMPLE_NAME
)


def main() -> int:
    """Write the built-in sample and print its path and size."""
    path = write_sample(TARGET, respondents=BUILTIN_SAMPLE_RESPONDENTS, seed=BUILTIN_SAMPLE_SEED, fmt="zsav")
    sys.stdout.write(f"Wrote {path} ({path.stat().st_size} bytes)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The catalog an evaluation reads: a local folder, or a Hub release downloaded once."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from indievaluecatalog.codebook import Codebook
from indievaluecatalog.errors import CatalogNotFoundError, EvaluationError, MissingExtraError

logger = logging.getLogger(__name__)

_HUB_ID = re.compile(
    r"^(?P<repo>[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*)(@(?P<revision>[^@\s]+))?$"
)


@dataclass(frozen=True)
class CatalogInfo:
    """Source and build of the evaluated catalog."""

    folder: Path
    source: str
    """The ``--catalog`` value as given."""
    revision: str | None
    """Hub revision for a downloaded release, None for a local folder."""
    manifest_sha256: str | None
    """SHA-256 of ``manifest.json``, which itself records the SHA-256 of every other file of the build."""
    dataset_version: str | None
    codebook_version: str | None

    def as_dict(self) -> dict[str, Any]:
        """Return the record as JSON-ready values."""
        return {
            "folder": str(self.folder),
            "source": self.source,
            "revision": self.revision,
            "manifest_sha256": self.manifest_sha256,
            "dataset_version": self.dataset_version,
            "codebook_version": self.codebook_version,
        }


def _nested(manifest: dict[str, Any], *keys: str) -> str | None:
    value: Any = manifest
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return None if value is None else str(value)


def resolve_catalog(source: str) -> CatalogInfo:
    """Return the local folder of ``source``, downloading a Hub release ``OWNER/NAME[@REVISION]`` first.

    Raises CatalogNotFoundError when ``source`` is neither an existing folder nor a Hub id, and
    MissingExtraError when huggingface_hub is absent.
    """
    folder = Path(source)
    revision: str | None = None
    if not folder.is_dir():
        match = _HUB_ID.match(source)
        if match is None or folder.exists():
            raise CatalogNotFoundError(
                f"Catalog {source} is neither a folder nor a Hub dataset id.",
                hint="pass the output folder of `indievaluecatalog build` or OWNER/NAME@REVISION of a release",
            )
        revision = match.group("revision")
        if revision is None:
            logger.warning(
                "catalog %s has no release tag, so the branch main is downloaded and may change between runs; "
                "pin a release with %s@vX.Y.Z",
                source,
                source,
            )
        folder = _download(match.group("repo"), revision)
    manifest_path = folder / "manifest.json"
    manifest: dict[str, Any] = {}
    digest: str | None = None
    if manifest_path.is_file():
        raw = manifest_path.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        manifest = json.loads(raw)
    else:
        logger.warning("catalog %s has no manifest.json; results will not record its build", folder)
    version = _nested(manifest, "dataset", "version") or _nested(manifest, "release", "version")
    return CatalogInfo(
        folder=folder,
        source=source,
        revision=revision,
        manifest_sha256=digest,
        dataset_version=version or _nested(manifest, "dataset_version"),
        codebook_version=_nested(manifest, "codebook", "version") or _nested(manifest, "codebook_version"),
    )


def _download(repo_id: str, revision: str | None) -> Path:
    try:
        import huggingface_hub
    except ImportError as error:
        raise MissingExtraError("huggingface_hub", "eval") from error
    logger.info("downloading catalog %s at revision %s", repo_id, revision or "main")
    try:
        path = huggingface_hub.snapshot_download(repo_id=repo_id, repo_type="dataset", revision=revision)
    except Exception as error:  # the Hub client raises many unrelated types; all mean the same to the user
        raise CatalogNotFoundError(
            f"Could not download catalog {repo_id} at revision {revision or 'main'}: {error}",
            hint="check the dataset id and the release tag, and that the Hub is reachable",
        ) from error
    return Path(path)


def no_instances_error(catalog: CatalogInfo, demos: str, setups: tuple[int, ...]) -> EvaluationError:
    """Return the error for a catalog without task instances, saying whether it has evaluation people at all.

    The reason comes from the manifest's ``splits.evaluation`` record (selected people and eligible people per
    continent) and ``splits.probes_rows``, which the build writes.
    """
    manifest_path = catalog.folder / "manifest.json"
    splits: dict[str, Any] = {}
    if manifest_path.is_file():
        splits = json.loads(manifest_path.read_bytes()).get("splits") or {}
    evaluation = splits.get("evaluation") or {}
    size = evaluation.get("size")
    if size == 0 or splits.get("probes_rows") == 0:
        eligible: dict[str, int] = evaluation.get("eligible_per_continent") or {}
        counts = ", ".join(f"{continent} {count}" for continent, count in eligible.items()) or "not recorded"
        minimum = evaluation.get("min_valid_answers", "the required number of")
        return EvaluationError(
            f"Catalog {catalog.source} has no evaluation people, so it has no task instances to score. "
            f"An evaluation person needs a valid answer to every probe question and at least {minimum} valid "
            f"value answers. Eligible respondents per continent (manifest.json, splits.evaluation."
            f"eligible_per_continent): {counts}.",
            hint=f"see {catalog.folder / 'reports' / 'coverage.csv'} for the questions that the input file lacks "
            "or leaves blank, and rebuild the catalog from a complete WVS-7 file (the official cross-national "
            "or time-series release); joint EVS/WVS files and derivative exports often lack probe questions",
        )
    return EvaluationError(
        f"Catalog {catalog.source} has no task instances for demos {demos} and setups {setups}.",
        hint="check --demos and --setups against the catalog's probes table",
    )


def read_respondents(folder: Path) -> pd.DataFrame:
    """Return the catalog's ``respondents`` table."""
    path = folder / "data" / "respondents.parquet"
    if not path.is_file():
        raise CatalogNotFoundError(
            f"No respondents table at {path}.", hint="pass the output folder of `indievaluecatalog build`"
        )
    return pd.read_parquet(path)


def people_table(respondents: pd.DataFrame, codebook: Codebook) -> tuple[pd.DataFrame, dict[str, str]]:
    """Return the demographic columns indexed by respondent id and the dimension-to-column mapping.

    Dimensions whose column the table lacks are left out with a warning.
    """
    columns = {item.dimension: item.id for item in codebook.demographics if item.dimension is not None}
    present = {dimension: column for dimension, column in columns.items() if column in respondents.columns}
    absent = sorted(set(columns) - set(present))
    if absent:
        logger.warning("respondents table lacks the inequity dimensions %s; they are left out", absent)
    if not present:
        raise EvaluationError(
            "The respondents table has no demographic column of any Value Inequity Index dimension.",
            hint="evaluate a catalog built by `indievaluecatalog build`",
        )
    frame = respondents.set_index(respondents["respondent_id"].astype(str))[sorted(set(present.values()))]
    return frame, present

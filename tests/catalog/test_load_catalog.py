"""load_catalog: where it finds the catalog, in order, and what it loads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import datasets
import pytest

import indievaluecatalog
from indievaluecatalog.catalog import SOURCE_ENV, load_catalog, resolve_source
from indievaluecatalog.errors import CatalogNotFoundError, IndieValueCatalogError


def first_id(dataset: Any) -> str:
    """Return the first respondent id of a loaded split."""
    return str(dataset["respondent_id"][0])


def test_source_argument_first(
    argument_catalog: Path, env_catalog: Path, cwd_catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A source argument wins over the environment variable and the working directory."""
    monkeypatch.setenv(SOURCE_ENV, str(env_catalog))
    loaded = load_catalog("respondents", split="train", source=argument_catalog)
    assert first_id(loaded) == "A0000"
    assert loaded.num_rows == 5


def test_environment_second(env_catalog: Path, cwd_catalog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a source argument, INDIEVALUECATALOG_SOURCE wins over the working directory."""
    monkeypatch.setenv(SOURCE_ENV, str(env_catalog))
    assert first_id(load_catalog("respondents", split="train")) == "E0000"
    assert resolve_source().origin == f"environment variable {SOURCE_ENV}"


def test_working_directory_third(cwd_catalog: Path) -> None:
    """Without argument or environment variable, ./indievaluecatalog is loaded when it is a built catalog."""
    assert first_id(load_catalog("respondents", split="train")) == "C0000"
    source = resolve_source()
    assert source.kind == "folder"
    assert source.origin == "working directory"
    assert Path(source.location) == cwd_catalog.resolve()


def test_nothing_found_says_how_to_build(workdir: Path) -> None:
    """With no catalog anywhere, CatalogNotFoundError explains how to build one or where to point."""
    with pytest.raises(CatalogNotFoundError) as raised:
        load_catalog("respondents")
    assert str(workdir / "indievaluecatalog") in raised.value.message
    assert raised.value.hint is not None
    assert "indievaluecatalog build" in raised.value.hint
    assert SOURCE_ENV in raised.value.hint


def test_unbuilt_cwd_folder_ignored(workdir: Path) -> None:
    """A ./indievaluecatalog folder without manifest.json (e.g. a source checkout) is not taken as a catalog."""
    (workdir / "indievaluecatalog").mkdir()
    (workdir / "indievaluecatalog" / "__init__.py").write_text("", encoding="utf-8")
    with pytest.raises(CatalogNotFoundError, match="is not a built catalog"):
        load_catalog("respondents")


def test_folder_without_manifest_rejected(workdir: Path, tmp_path: Path) -> None:
    """An explicit folder that is not a built catalog raises CatalogNotFoundError naming it."""
    folder = tmp_path / "empty"
    folder.mkdir()
    with pytest.raises(CatalogNotFoundError) as raised:
        load_catalog("respondents", source=folder)
    assert str(folder) in raised.value.message
    assert "manifest.json is missing" in raised.value.message


def test_all_splits_without_split(argument_catalog: Path, workdir: Path) -> None:
    """Without split=, every split of the config is returned as a DatasetDict."""
    loaded = load_catalog("splits", source=str(argument_catalog))
    assert isinstance(loaded, datasets.DatasetDict)
    assert sorted(loaded) == ["evaluation", "train"]
    assert loaded["evaluation"].num_rows == 2


def test_revision_for_folder_rejected(argument_catalog: Path, workdir: Path) -> None:
    """A revision cannot pin a local folder, so giving one is an error instead of being ignored."""
    with pytest.raises(IndieValueCatalogError, match="has no revisions"):
        load_catalog("respondents", revision="v1.0.0", source=argument_catalog)


def test_hub_id_passes_revision(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Hub id is handed to load_dataset with the config, split and revision."""
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def fake_load_dataset(*args: Any, **kwargs: Any) -> str:
        calls.append((args, kwargs))
        return "loaded"

    monkeypatch.setattr(datasets, "load_dataset", fake_load_dataset)
    result = load_catalog("respondents", split="train", revision="v1.2.0", source="alice/indievaluecatalog")

    assert result == "loaded"
    assert calls == [(("alice/indievaluecatalog", "respondents"), {"split": "train", "revision": "v1.2.0"})]


def test_hub_id_from_environment(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Hub id in INDIEVALUECATALOG_SOURCE is loaded from the Hub at the given revision."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(
        datasets, "load_dataset", lambda *args, **kwargs: calls.append({"args": args, **kwargs})
    )
    monkeypatch.setenv(SOURCE_ENV, "alice/indievaluecatalog")

    load_catalog("statements", revision="v1.0.0")

    assert calls == [{"args": ("alice/indievaluecatalog", "statements"), "split": None, "revision": "v1.0.0"}]


def test_hub_unreachable_raises(workdir: Path) -> None:
    """An unreachable Hub (the suite runs offline) raises CatalogNotFoundError naming the id and revision."""
    with pytest.raises(CatalogNotFoundError) as raised:
        load_catalog("respondents", revision="v9.9.9", source="alice/indievaluecatalog-absent")
    assert "alice/indievaluecatalog-absent (revision v9.9.9) cannot be reached" in raised.value.message


def test_hub_not_found_raises(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Hub dataset that does not exist or is private raises CatalogNotFoundError with a login hint."""

    def missing(*args: Any, **kwargs: Any) -> None:
        raise datasets.exceptions.DatasetNotFoundError("Dataset 'alice/absent' doesn't exist on the Hub")

    monkeypatch.setattr(datasets, "load_dataset", missing)
    with pytest.raises(CatalogNotFoundError) as raised:
        load_catalog("respondents", source="alice/absent")
    assert "alice/absent (revision main) not found" in raised.value.message
    assert raised.value.hint is not None
    assert "hf auth login" in raised.value.hint


@pytest.mark.parametrize("bare", ["indievaluecatalog", "no-such-folder"])
def test_bare_name_explains_owner(workdir: Path, bare: str) -> None:
    """A name that is neither a folder nor OWNER/NAME explains that the Hub needs an owner."""
    with pytest.raises(CatalogNotFoundError) as raised:
        load_catalog("respondents", source=bare)
    assert repr(bare) in raised.value.message
    assert raised.value.hint is not None
    assert "needs its owner" in raised.value.hint
    assert "loading scripts" in raised.value.hint


def test_package_exports_load_catalog() -> None:
    """load_catalog is reachable from the package root, and unknown attributes still raise."""
    assert indievaluecatalog.load_catalog is load_catalog
    assert isinstance(indievaluecatalog.__version__, str)
    with pytest.raises(AttributeError):
        _ = indievaluecatalog.no_such_name  # type: ignore[attr-defined]


def test_import_stays_light() -> None:
    """Importing the package does not import datasets, pandas or torch."""
    import subprocess
    import sys

    code = "import sys, indievaluecatalog; print(sorted(m for m in ('datasets', 'pandas', 'torch') if m in sys.modules))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"

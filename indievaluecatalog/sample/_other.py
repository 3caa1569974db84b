"""Technical variables, recodes, derived indices, excluded questions and filler columns.

These columns are not turned into statements; they are generated so the file has the official shape and
plausible contents: weights near 1, interview dates inside the survey year, recodes consistent with the
variable they recode, derived indices computed from the latent traits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from indievaluecatalog.codebook import Codebook, Country
from indievaluecatalog.sample._columns import REGION_NAMES, ColumnSpec

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]
Column = npt.NDArray[np.generic]

_COUNTRY_SPECIFIC = ("N_REGION_WVS", "N_REGION_ISO", "S_INTLANGUAGE", "Q272", "Q290", "Q223", "Q289CS9")
_LANGUAGES = ("English", "Español", "Français", "Português", "Deutsch", "Русский")
_ISO_LANGUAGES = ("en", "es", "fr", "pt", "de", "ru")


@dataclass
class OtherContext:
    """What the generators of the other columns need: the draws so far and the labels they add."""

    rng: np.random.Generator
    book: Codebook
    countries: list[Country]
    country_index: IntArray
    country_codes: IntArray
    survey_years: IntArray
    traits: FloatArray
    data: dict[str, Column]
    version_text: str
    doi: str
    labels: dict[str, dict[int, str]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Number of respondents."""
        return len(self.country_index)


def other_columns(context: OtherContext, columns: list[ColumnSpec]) -> dict[str, Column]:
    """Return the values of every column that is not a value question or demographic item."""
    result: dict[str, Column] = {}
    alpha = np.array([c.alpha3 for c in context.countries], dtype=object)[context.country_index]
    alpha[context.country_codes == 909] = "NIR"
    for name in _COUNTRY_SPECIFIC:
        result[name] = _country_specific(context, name)
    context.data.update(result)

    for spec in columns:
        if spec.name in result or spec.name in context.data:
            continue
        if spec.source == "country":
            result[spec.name] = context.country_codes
        elif spec.source == "filler":
            result[spec.name] = _filler(context, spec)
        elif spec.source == "excluded":
            result[spec.name] = _coded(context, spec, missing_rate=0.03)
        else:
            result[spec.name] = _other(context, spec, alpha)
        context.data[spec.name] = result[spec.name]
    return result


def _other(context: OtherContext, spec: ColumnSpec, alpha: Column) -> Column:
    rng, n, name = context.rng, context.size, spec.name
    year = context.survey_years[context.country_index]
    if name == "version":
        return np.full(n, context.version_text, dtype=object)
    if name == "doi":
        return np.full(n, context.doi, dtype=object)
    if name in ("B_COUNTRY_ALPHA", "C_COW_ALPHA"):
        return alpha.copy()
    if name == "X002_02B":
        return _alpha_of(context, "Q266")
    if name == "V002A_01":
        return _alpha_of(context, "Q267")
    if name == "V001A_01":
        return _alpha_of(context, "Q268")
    if name in ("Q223_ABREV", "Q223_LOCAL"):
        party = _ints(context.data["Q223"]) % 1000
        text = (
            np.char.add("P", party.astype(str))
            if name == "Q223_ABREV"
            else np.char.add("Party ", party.astype(str))
        )
        return np.where(party > 0, text, "").astype(object)
    if name == "LNGE_ISO":
        language = _ints(context.data["S_INTLANGUAGE"]) % 1000 - 1
        iso: Column = np.array(_ISO_LANGUAGES, dtype=object)[language % len(_ISO_LANGUAGES)]
        return iso
    if name == "A_STUDY":
        return np.full(n, 2, dtype=np.int32)
    if name == "A_WAVE":
        return np.full(n, 7, dtype=np.int32)
    if name == "A_YEAR":
        return year.astype(np.int32)
    if name == "C_COW_NUM":
        return (context.country_codes + 1000).astype(np.int32)
    if name == "D_INTERVIEW":
        return _interview_ids(context.country_codes)
    if name == "S025":
        return (context.country_codes * 10000 + year).astype(np.int32)
    if name == "J_INTDATE":
        return (year * 10000 + rng.integers(1, 13, size=n) * 100 + rng.integers(1, 29, size=n)).astype(
            np.int32
        )
    if name in ("FW_START", "FW_END"):
        return (year * 100 + (3 if name == "FW_START" else 9)).astype(np.int32)
    if name == "K_DURATION":
        return np.clip(np.rint(rng.normal(55, 15, size=n)), 15, 180).astype(np.int32)
    if name in ("K_TIME_START", "K_TIME_END"):
        hour = rng.integers(8, 20, size=n) + (1 if name == "K_TIME_END" else 0)
        return np.round(hour + rng.integers(0, 60, size=n) / 100.0, 2)
    if name in ("O1_LONGITUDE", "O2_LATITUDE"):
        limit = 170.0 if name == "O1_LONGITUDE" else 60.0
        centre = rng.uniform(-limit, limit, size=len(context.countries))[context.country_index]
        return np.round(centre + rng.normal(0.0, 1.5, size=n), 4)
    if name in ("I_PSU", "N_TOWN"):
        return (context.country_codes * 1000 + rng.integers(1, 200, size=n)).astype(np.int32)
    if name == "N_REGION_NUTS2":
        return np.full(n, -4, dtype=np.int32)
    if name == "W_WEIGHT":
        return _weights(context)
    if name == "S018":
        return _weights(context) * 1000.0 / np.bincount(context.country_index)[context.country_index]
    if name in ("Q33_3", "Q34_3", "Q35_3"):
        return _recode(context.data[name[:-2]], {1: 1, 2: 1, 3: 2, 4: 3, 5: 3})
    if name.endswith("R") and name[:-1] in context.data and name.startswith("Q") and name[1:-1].isdigit():
        source = int(name[1:-1])
        if source == 172:
            return _recode(context.data["Q172"], {1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 6: 3, 7: 4, 8: 4})
        return _recode(context.data[name[:-1]], {0: 0, 1: 1, 2: 1})
    if name in ("Q275A", "Q276A", "Q277A", "Q278A"):
        level = _ints(context.data[name[:-1]])
        return np.where(level >= 0, context.country_codes * 1000 + level, level).astype(np.int32)
    if any(code > 0 for code in spec.value_labels) or any(code == 0 for code in spec.value_labels):
        return _coded(context, spec, missing_rate=0.01)
    return _index(context, spec)


def _country_specific(context: OtherContext, name: str) -> IntArray:
    """Codes ``B_COUNTRY * 1000 + k`` with per-country value labels, as WVS codes regions and languages."""
    rng = context.rng
    sizes = {"N_REGION_WVS": 6, "N_REGION_ISO": 6, "S_INTLANGUAGE": 3, "Q272": 3, "Q290": 4, "Q223": 8}
    per_country = sizes.get(name, 9)
    labels: dict[int, str] = {}
    for country in context.countries:
        for k in range(1, per_country + 1):
            labels[country.code * 1000 + k] = _label_for(name, country, k)
    codes = context.country_codes.astype(np.int64) * 1000
    if name == "Q289CS9":
        religion = _ints(context.data["Q289"])
        values = np.where(religion >= 0, codes + religion + 1, religion).astype(np.int32)
    else:
        values = (codes + rng.integers(1, per_country + 1, size=context.size)).astype(np.int32)
        if name in ("Q272", "Q290", "Q223"):
            missing = rng.random(context.size) < 0.02
            values[missing] = -2 if name != "Q223" else -1
    labels.update({code: text for code, text in ((-1, "Don't know"), (-2, "No answer"))})
    context.labels[name] = labels
    return values


def _label_for(name: str, country: Country, k: int) -> str:
    if name in ("N_REGION_WVS", "N_REGION_ISO"):
        return f"{country.alpha3}: {REGION_NAMES[(k - 1) % len(REGION_NAMES)]} {k}"
    if name in ("S_INTLANGUAGE", "Q272"):
        return f"{country.alpha3}: {_LANGUAGES[(k - 1) % len(_LANGUAGES)]}"
    if name == "Q290":
        return f"{country.alpha3}: Ethnic group {k}"
    if name == "Q223":
        return f"{country.alpha3}: Party {k}"
    return f"{country.alpha3}: Denomination {k}"


def _interview_ids(country_codes: IntArray) -> IntArray:
    """``B_COUNTRY`` followed by a five-digit sequence number within the country, e.g. 3200001."""
    ids = np.zeros(len(country_codes), dtype=np.int64)
    for code in np.unique(country_codes):
        rows = np.flatnonzero(country_codes == code)
        ids[rows] = int(code) * 100000 + np.arange(1, len(rows) + 1)
    return ids.astype(np.int32)


def _weights(context: OtherContext) -> FloatArray:
    raw = np.random.default_rng(int(context.country_codes.sum())).lognormal(0.0, 0.35, size=context.size)
    counts = np.maximum(np.bincount(context.country_index), 1)
    means = np.bincount(context.country_index, weights=raw) / counts
    return np.round(raw / means[context.country_index], 6)


def _ints(values: Column) -> npt.NDArray[np.int64]:
    return np.asarray(values).astype(np.int64)


def _recode(values: Column, mapping: dict[int, int]) -> IntArray:
    source = _ints(values)
    result = np.where(source < 0, source, 0).astype(np.int32)
    for old, new in mapping.items():
        result[source == old] = new
    return result


def _coded(context: OtherContext, spec: ColumnSpec, missing_rate: float) -> IntArray:
    valid = sorted(code for code in spec.value_labels if code >= 0)
    if not valid:
        valid = [1, 2, 3, 4]
    rng = context.rng
    shares = rng.dirichlet(np.full(len(valid), 2.0))
    values = rng.choice(np.array(valid, dtype=np.int32), size=context.size, p=shares)
    missing_codes = [code for code in spec.value_labels if code < 0 and code != -4] or [-2]
    missing = rng.random(context.size) < missing_rate
    values[missing] = rng.choice(np.array(missing_codes, dtype=np.int32), size=int(missing.sum()))
    return values


def _filler(context: OtherContext, spec: ColumnSpec) -> IntArray:
    values = context.rng.integers(1, 4, size=context.size).astype(np.int32)
    values[context.country_codes != spec.country] = -4
    return values


def _index(context: OtherContext, spec: ColumnSpec) -> FloatArray:
    """A derived index or weight: a number from the latent traits, rounded like the official indices."""
    trait = abs(hash_name(spec.name)) % context.traits.shape[1]
    score = 1.0 / (1.0 + np.exp(-context.traits[:, trait]))
    if "WGT" in spec.name or spec.name.startswith("WEIGHT") or spec.name == "PWGHT":
        return np.round(0.5 + score, 4)
    return np.round(score, 3)


def hash_name(name: str) -> int:
    """A stable hash of a column name (Python's ``hash`` of a str changes between processes)."""
    return sum((i + 1) * ord(ch) for i, ch in enumerate(name))


def _alpha_of(context: OtherContext, variable: str) -> Column:
    lookup = {c.code: c.alpha3 for c in context.book.countries}
    values = np.asarray(context.data[variable])
    return np.array([lookup.get(int(v), "") for v in values], dtype=object)

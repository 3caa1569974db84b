"""The dataset card (``README.md``) of a built catalog, rendered from its manifest.

``render_dataset_card`` is a pure function of the manifest and the config summaries: the same inputs give the
same bytes, so publishing can render the card again from a built folder's ``manifest.json``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from indievaluecatalog.convert._configs import ConfigSummary

# DOI of each WVS-7 cross-national data version (World Values Survey Association, JD Systems Institute).
WVS7_DATA_DOIS = {"5.0": "10.14281/18241.20", "6.0": "10.14281/18241.24"}
_DEFAULT_WVS_VERSION = "6.0"

PAPER_BIBTEX = """@inproceedings{jiang2025indievalue,
  title     = {Can Language Models Reason about Individualistic Human Values and Preferences?},
  author    = {Jiang, Liwei and Sorensen, Taylor and Levine, Sydney and Choi, Yejin},
  booktitle = {Proceedings of the 63rd Annual Meeting of the Association for Computational Linguistics (ACL)},
  year      = {2025},
  eprint    = {2410.03868},
  archivePrefix = {arXiv}
}"""


def render_dataset_card(manifest: Mapping[str, Any], configs: Sequence[ConfigSummary]) -> str:
    """Return the dataset card: a YAML header with configs and explicit features, then the documentation."""
    sections = [
        _front_matter(configs),
        _description(manifest),
        _configs_section(configs),
        _features_section(),
        _provenance(manifest),
        _licence(),
        _personal_information(),
        _limitations(manifest),
        _citations(manifest),
    ]
    return "\n".join(sections).rstrip("\n") + "\n"


def _front_matter(configs: Sequence[ConfigSummary]) -> str:
    header: dict[str, Any] = {
        "pretty_name": "IndieValueCatalog",
        "language": ["en"],
        "license": "other",
        "license_name": "wvs-conditions-of-use",
        "tags": ["world-values-survey", "pluralistic-alignment", "personalization", "values"],
        "configs": [
            {
                "config_name": c.name,
                "data_files": [{"split": s.name, "path": s.path} for s in c.splits],
                **({"default": True} if index == 0 else {}),
            }
            for index, c in enumerate(configs)
        ],
        "dataset_info": [
            {
                "config_name": c.name,
                "features": c.features.to_yaml_list(),
                "splits": [
                    {"name": s.name, "num_bytes": s.num_bytes, "num_examples": s.num_rows} for s in c.splits
                ],
            }
            for c in configs
        ],
    }
    body = yaml.safe_dump(header, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{body}---\n"


def _description(manifest: Mapping[str, Any]) -> str:
    source = manifest["source"]
    synthetic = source.get("synthetic")
    warning = ""
    if synthetic:
        warning = (
            "\n> **Synthetic data.** This catalog was built from a generated sample, not from survey responses: "
            f"{synthetic.get('description', 'a synthetic WVS-7 file')}. Use it to test pipelines, not to study "
            "values.\n"
        )
    return f"""# IndieValueCatalog
{warning}
World Values Survey wave 7 (WVS-7, 2017-2022) answers rendered as first-person value statements, one catalog
entry per respondent. For each person the catalog stores the option they chose on each of the
{manifest["codebook"]["value_questions"]} value questions at two granularities (*polar*, which merges options by
direction, and *refined*, which keeps finer distinctions), their demographic statements, and the reason for every
missing answer. The task it supports: given some of one person's value statements, predict their choices on
held-out questions (Jiang, Sorensen, Levine and Choi, 2025).
"""


def _configs_section(configs: Sequence[ConfigSummary]) -> str:
    lines = [
        "## Configs and splits",
        "",
        "| config | split | rows | file | description |",
        "| --- | --- | --- | --- | --- |",
    ]
    for config in configs:
        for split in config.splits:
            lines.append(
                f"| `{config.name}` | {split.name} | {split.num_rows:,} | `{split.path}` | {config.description} |"
            )
    lines += ["", 'Load a config with `datasets.load_dataset(<folder or repository>, "respondents")`.', ""]
    return "\n".join(lines)


def _features_section() -> str:
    return """## Features

The YAML header above lists every column with its type. The `respondents` columns:

| column | type | meaning |
| --- | --- | --- |
| `respondent_id` | string | pseudonymous id: `R` + 16 hex digits of SHA-256 of `wvs7:<country code>:<interview id>` |
| `country_code`, `country`, `country_alpha3`, `continent` | int16, string | country of the interview (ISO 3166-1) and its continent |
| `weight` | float64 | survey weight `W_WEIGHT`, 1.0 when the file has none |
| `<item>`, `<item>_code` | string, int32 | each demographic item: value label or number, and the raw code (negative missing codes kept) |
| `demographic_statements` | list of strings | the person's demographic statements |
| `n_valid_demographics` | int16 | demographic items with a valid answer |
| `<Q>_polar`, `<Q>_refined` | int8 | zero-based option chosen on value question `<Q>`; null when missing |
| `<Q>_missing` | string | why the answer is missing: `dont_know`, `no_answer`, `not_applicable`, `not_asked`, `missing_other`, `outside_options`, `blank`, `not_in_file` |
| `n_valid_answers` | int16 | value questions with a valid answer |

The `statements` columns: `statement_id` (`Q1:polar:0`), `question_id`, `category`, `granularity`, `option`
(zero-based), `codes` (the WVS answer codes the option merges) and `text` (the first-person statement).
"""


def _provenance(manifest: Mapping[str, Any]) -> str:
    source = manifest["source"]
    package = manifest["package"]
    codebook = manifest["codebook"]
    commit = package.get("git_commit") or "not recorded"
    return f"""## Provenance

| | |
| --- | --- |
| source file | `{source["file"]}` (SHA-256 `{source["sha256"]}`) |
| layout | {source["layout"]} |
| WVS-7 data version | {source.get("wvs_version") or "unknown"} ({source.get("version_evidence", "")}) |
| codebook | {codebook["name"]} {codebook["version"]} |
| package | indievaluecatalog {package["version"]} (git commit {commit}) |
| build command | `{manifest["command"]}` |

`manifest.json` records the options, the row counts and the SHA-256 of every file of this folder;
`reports/coverage.csv` lists questions the source file lacked and `reports/label_drift.csv` every value label
that differs from the codebook.
"""


def _licence() -> str:
    return """## Licence and conditions of use

The statements and the code that builds this catalog are the IndieValueCatalog project's own. The answers come
from the World Values Survey, whose conditions of use apply to this catalog as a derived dataset: use for
non-commercial research only; cite the WVS data set (below) in every publication that uses it; do not
redistribute the data. Publish a catalog built from real WVS data only as a private dataset, shared with people
who accepted the WVS conditions themselves. Anyone can rebuild it from their own WVS download with
`indievaluecatalog build`.
"""


def _personal_information() -> str:
    return """## Personal and sensitive information

Respondents are anonymous in the WVS release and ids here are pseudonymous hashes, but the rows describe real
people. They include special-category data under the GDPR: religious denomination and beliefs, ethnic group,
political views and party preference, and attitudes to sexuality. Country, age band, sex, education, occupation
and ethnic group together may narrow a person down in small countries. Do not try to re-identify anyone, and do
not join the catalog with other data about individuals.
"""


def _limitations(manifest: Mapping[str, Any]) -> str:
    layout = manifest["source"]["layout"]
    gaps = manifest.get("reports", {}).get("coverage_gaps", 0)
    note = ""
    if layout != "official" or gaps:
        note = f" This build came from a `{layout}` file with {gaps} coverage gap(s); see `reports/coverage.csv`."
    return f"""## Limitations

- A person's options are coarse summaries of survey answers, and statements paraphrase the questionnaire; they
  do not capture everything the respondent meant.
- Missing answers are kept as missing with their reason; nobody is dropped, so respondents differ in how many
  valid answers they have (`n_valid_answers`).
- Country samples differ in size and design; use `weight` for population estimates.{note}
"""


def _citations(manifest: Mapping[str, Any]) -> str:
    version = manifest["source"].get("wvs_version") or _DEFAULT_WVS_VERSION
    doi = WVS7_DATA_DOIS.get(version, WVS7_DATA_DOIS[_DEFAULT_WVS_VERSION])
    return f"""## Citation

The WVS-7 data (version {version if version in WVS7_DATA_DOIS else _DEFAULT_WVS_VERSION}):

> Haerpfer, C., Inglehart, R., Moreno, A., Welzel, C., Kizilova, K., Diez-Medrano, J., Lagos, M., Norris, P.,
> Ponarin, E. and Puranen, B. (eds.) World Values Survey: Round Seven - Country-Pooled Datafile. Madrid, Spain
> and Vienna, Austria: JD Systems Institute and WVSA Secretariat. doi:{doi}

The task and the catalog design (arXiv 2410.03868, ACL 2025):

```bibtex
{PAPER_BIBTEX}
```
"""

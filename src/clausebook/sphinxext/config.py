"""The handbook's settings (``clausebook_*`` in ``handbook/conf.py``), declared once.

Each field carries its help text; the editors' guide renders this table with
``{clausebook-config}``, so documentation and code cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import MISSING, dataclass, field, fields
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ConfigError


def _iso_date_or_empty(name: str, value: Any) -> None:
    if value == "":
        return
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"{name} must be a date written YYYY-MM-DD, not {value!r}") from None


def _text(name: str, value: Any) -> None:
    if not isinstance(value, str):
        raise ConfigError(f"{name} must be text in quotes, not {value!r}")


def _notes(name: str, value: Any) -> None:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ConfigError(
            f"{name} must map a policy's folder name to its note, like "
            "{'social-media': 'The version and dates are recorded by this handbook.'}"
        )


def _external_policies(name: str, value: Any) -> None:
    example = "{'disciplinary': {'title': 'Disciplinary policy and procedure', 'url': 'https://...'}}"
    if not isinstance(value, dict):
        raise ConfigError(f"{name} must list the policies by folder name, like {example}")
    for key, policy in value.items():
        if not isinstance(key, str) or not isinstance(policy, dict):
            raise ConfigError(f"{name}: {key!r} must have a title (and may have a url), like {example}")
        if not isinstance(policy.get("title"), str) or not policy["title"].strip():
            raise ConfigError(f"{name}: {key!r} has no title: give it one, like {example}")
        if not isinstance(policy.get("url", ""), str):
            raise ConfigError(f"{name}: the url of {key!r} must be text in quotes")
        unknown = set(policy) - {"title", "url"}
        if unknown:
            raise ConfigError(
                f"{name}: {key!r} has {', '.join(sorted(unknown))}: only title and url are read"
            )


def _yes_or_no(name: str, value: Any) -> None:
    if not isinstance(value, bool):
        raise ConfigError(f"{name} must be True or False, not {value!r}")


def _list_of_text(name: str, value: Any) -> None:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{name} must be a list of names in quotes, like ['Ash Grove Primary']")


def _whole_days(name: str, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigError(f"{name} must be a whole number of days, like 5, not {value!r}")


@dataclass(frozen=True)
class ClausebookConfig:
    organisation: str = field(
        default="",
        metadata={"help": "The organisation that owns the policies, shown on every page.", "check": _text},
    )
    site_url: str = field(
        default="",
        metadata={
            "help": "The address the site is published at, such as "
            "'https://intranet.example.org/policies/'. When set, printed copies link "
            "each clause to its permanent link online.",
            "check": _text,
        },
    )
    schools: tuple[str, ...] = field(
        default=(),
        metadata={
            "help": "The organisation's schools, for a school's own edition of the PDF.",
            "check": _list_of_text,
        },
    )
    accessibility_email: str = field(
        default="",
        metadata={
            "help": "The email address, in the accessibility statement, where staff report an "
            "accessibility problem or ask for a policy in another format (large print, audio, "
            "braille). The build reminds you while it is empty.",
            "check": _text,
        },
    )
    accessibility_phone: str = field(
        default="",
        metadata={"help": "A telephone number for the same, if there is one.", "check": _text},
    )
    accessibility_reply_days: int = field(
        default=5,
        metadata={
            "help": "Within how many working days the statement promises a reply to such a request.",
            "check": _whole_days,
        },
    )
    details_notes: dict[str, str] = field(
        default_factory=dict,
        metadata={
            "help": "A note shown under a policy's version and dates, on its pages and its PDF's cover, "
            "by policy folder name: say there what the handbook added that the original document "
            "does not state. A policy not listed has no note.",
            "check": _notes,
        },
    )
    external_policies: dict[str, dict[str, str]] = field(
        default_factory=dict,
        metadata={
            "help": "Policies the handbook does not hold (yet), so clauses can refer to them: by the "
            "name {policy}`name` and {clause}`name:3.2` use, a 'title' and an optional 'url' "
            "where staff can read it.",
            "check": _external_policies,
        },
    )
    today: str = field(
        default="",
        metadata={
            "help": "The date the site is built as of (YYYY-MM-DD). Empty means today; "
            "set it only to preview the site as it will be on a later date.",
            "check": _iso_date_or_empty,
        },
    )
    offline: bool = field(
        default=True,
        metadata={
            "help": "Readers' browsers keep a copy of the site (pages, and the Python the guidance "
            "tools run on) so that it works offline after one visit; a new build replaces it on the "
            "next visit. Set it to False for a site that must not keep copies on staff devices: the "
            "copies already kept are then removed on the next visit.",
            "check": _yes_or_no,
            "rebuild": "html",
        },
    )
    school: str = field(
        default="",
        metadata={
            "help": "Build a school's edition of the PDF: one of clausebook_schools. Set by "
            "'make pdf SCHOOL=...', not in conf.py.",
            "check": _text,
            "rebuild": "",
        },
    )
    pdf_dir: str = field(
        default="",
        metadata={
            "help": "Where 'make pdf' puts the PDFs (empty: beside each version's pages in the site).",
            "check": _text,
            "rebuild": "",
        },
    )

    @classmethod
    def from_sphinx(cls, app: Sphinx) -> ClausebookConfig:
        values: dict[str, Any] = {}
        for item in fields(cls):
            name = f"clausebook_{item.name}"
            value = getattr(app.config, name)
            item.metadata["check"](name, value)
            values[item.name] = tuple(value) if isinstance(value, list) else value
        return cls(**values)

    @property
    def build_date(self) -> dt.date:
        return dt.date.fromisoformat(self.today) if self.today else dt.date.today()


def config_fields() -> list[tuple[str, str, str]]:
    """(setting, default, help) for the editors' guide."""
    return [(f"clausebook_{f.name}", repr(_default(f)), f.metadata["help"]) for f in fields(ClausebookConfig)]


def _default(item: Any) -> Any:
    return item.default_factory() if item.default is MISSING else item.default


def setup_config(app: Sphinx) -> None:
    for item in fields(ClausebookConfig):
        default = list(item.default) if isinstance(item.default, tuple) else _default(item)
        rebuild = item.metadata.get("rebuild", "env")
        app.add_config_value(f"clausebook_{item.name}", default, rebuild, types=frozenset({type(default)}))

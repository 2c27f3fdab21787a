"""What a published page would make a browser run or fetch, read with the standard HTML parser."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

# Attributes whose URL a browser fetches by itself, without a click.
FETCHED = {"src", "srcset", "data", "poster", "background", "formaction", "action"}
LINKS = {"href", "xlink:href"}
RUNS = re.compile(r"^[\x00-\x20]*(javascript|vbscript|data):", re.I)
OTHER_ORIGIN = re.compile(r"^[\x00-\x20]*(//|[a-z][a-z0-9+.-]*:)", re.I)


@dataclass
class PageCode(HTMLParser):
    """Inline scripts, event handlers, URLs that run code or reach another site, and the policy."""

    inline_scripts: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    policies: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    _in_script: bool = False

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>: an event handler")
            if (name in FETCHED or name in LINKS) and RUNS.match(value) and tag != "img":
                self.problems.append(f"<{tag} {name}={value[:40]}>: a URL that runs code")
            if name in FETCHED and OTHER_ORIGIN.match(value) and not value.startswith("data:"):
                self.problems.append(f"<{tag} {name}={value[:60]}>: fetched from another site")
        if tag == "link" and OTHER_ORIGIN.match(values.get("href", "")):
            self.problems.append(f"<link href={values['href'][:60]}>: fetched from another site")
        if tag in {"iframe", "object", "embed", "base", "frame"}:
            self.problems.append(f"<{tag}>: a page or plug-in inside the page")
        if tag == "meta" and values.get("http-equiv", "").lower() == "content-security-policy":
            self.policies.append(values.get("content", ""))
        elif (
            tag == "meta"
            and values.get("http-equiv")
            and OTHER_ORIGIN.search(values.get("content", "").split("url=")[-1])
        ):
            self.problems.append(f"<meta http-equiv={values['http-equiv']}> leading to another site")
        self._in_script = tag == "script" and "src" not in values and "json" not in values.get("type", "")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False if tag == "script" else self._in_script

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts.append(data)
        else:
            self.text.append(data)


def read(page: Path) -> PageCode:
    code = PageCode()
    code.feed(page.read_text(encoding="utf-8"))
    code.close()
    return code


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def script_hashes(policy: str) -> set[str]:
    directive = next((d for d in policy.split(";") if d.strip().startswith("script-src")), "")
    return {part for part in directive.split() if part.startswith("'sha256-")}


def pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if not p.relative_to(site).parts[0].startswith("_"))

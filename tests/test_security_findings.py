"""The five findings of issue 11, each as what a reader or an editor would see.

(The adversarial pass over every input is tests/test_hostile_inputs.py, from tests/hostile/.)
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import threading
import unicodedata
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from clausebook.commands import serve
from conftest import run_build, tree_digest
from pagecode import read, script_hashes, sha256

SECRET = "root:x:0:0:the build machine's own file\n"
HOSTILE_BODY = (
    '<p>Words <script>alert("finding-1")</script></p>'
    '<!-- http-equiv="Content-Security-Policy" -->'
    '<script src="https://example.com/evil.js"></script>'
    '<style>body { display: none; }</style><p style="color: red">red</p>'
)


# ---- 1 and 3: the policy is the build's, whatever the page holds ---------------------------


@pytest.mark.sphinx("html", testroot="policy", freshenv=True, confoverrides={"html_theme": "furo"})
def test_a_page_holding_scripts_gets_the_policy_its_template_gets(app: SphinxTestApp, tmp_path: Path) -> None:
    """Even if a script reached a page's body, the policy would not allow it, nor be removed by it."""
    app.build()
    clean = read(Path(app.outdir) / "pay" / "01-scope.html")
    builder = app.builder
    context = builder.get_doc_context("pay/01-scope", HOSTILE_BODY, "")  # type: ignore[attr-defined]
    hostile_page = tmp_path / "hostile.html"
    builder.handle_page("pay/01-scope", context, outfilename=str(hostile_page))  # type: ignore[attr-defined]
    hostile = read(hostile_page)

    assert len(clean.policies) == 1
    assert hostile.policies == clean.policies
    allowed = script_hashes(hostile.policies[0])
    assert sha256('alert("finding-1")') not in allowed
    assert allowed  # the theme's own script (it restores the reader's light or dark choice)
    assert allowed <= {sha256(s) for s in clean.inline_scripts}
    assert "example.com" not in hostile.policies[0]


# ---- 4: only the handbook's own files are published ---------------------------------------


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "outside" / "passwd"
    path.parent.mkdir()
    path.write_text(SECRET, encoding="utf-8")
    return path


def published_bytes(root: Path) -> Iterator[tuple[Path, bytes]]:
    for folder in (root / "_build" / "html", root / "_build" / ".work" / "html"):
        for path in folder.rglob("*"):
            if path.is_file():
                yield path, path.read_bytes()


LINKS = ["handbook/_static/passwd.txt", "handbook/social-media/passwd.md", "quizzes/passwd.txt"]


@pytest.mark.parametrize("link", LINKS)
def test_a_link_out_of_the_handbook_is_refused_by_its_own_name(
    handbook: Path, secret: Path, link: str
) -> None:
    before = tree_digest(handbook / "_build" / "html")
    (handbook / link).symlink_to(secret)
    result = run_build(handbook)
    assert result.returncode != 0
    assert f"{link}:1: error: 'passwd" in result.stderr
    assert str(secret) not in result.stderr  # the link is named, never the file it leads to
    assert tree_digest(handbook / "_build" / "html") == before
    assert not [path for path, data in published_bytes(handbook) if SECRET.encode() in data]


def test_a_file_once_linked_in_stays_out_after_the_link_is_deleted(handbook: Path, secret: Path) -> None:
    link = handbook / "handbook" / "_static" / "passwd.txt"
    link.symlink_to(secret)
    assert run_build(handbook).returncode != 0
    link.unlink()
    result = run_build(handbook)
    assert result.returncode == 0, result.stderr
    assert not (handbook / "_build" / "html" / "_static" / "passwd.txt").exists()
    assert not [path for path, data in published_bytes(handbook) if SECRET.encode() in data]


def test_a_deleted_static_file_leaves_the_published_site(handbook: Path) -> None:
    notice = handbook / "handbook" / "_static" / "notice.txt"
    notice.write_text("A notice for staff.\n", encoding="utf-8")
    assert run_build(handbook).returncode == 0
    assert (handbook / "_build" / "html" / "_static" / "notice.txt").is_file()
    notice.unlink()
    result = run_build(handbook)
    assert result.returncode == 0, result.stderr
    assert not (handbook / "_build" / "html" / "_static" / "notice.txt").exists()
    assert (handbook / "_build" / "html" / "_static" / "favicon.svg").is_file()  # the others stay


def test_make_serve_shows_a_folder_as_a_page_of_its_own(site: Path) -> None:
    handler = functools.partial(serve.Handler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/_static/"
        with urllib.request.urlopen(url) as response:
            page = response.read().decode("utf-8")
            policy = response.headers["Content-Security-Policy"]
    finally:
        server.shutdown()
        server.server_close()
    assert "Directory listing for" not in page  # the standard library's raw listing
    assert "This folder of the site has no page of its own" in page
    assert '<a href="favicon.svg">favicon.svg</a>' in page
    assert policy == "default-src 'none'"


def test_make_serve_says_how_many_problems_a_failed_rebuild_found(
    handbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = next((handbook / "handbook" / "social-media").glob("03-*.md"))
    page.write_text(page.read_text(encoding="utf-8") + "\nSee {clause}`3.99` and {clause}`3.98`.\n", "utf-8")
    said = serve.rebuild(handbook)
    assert said.startswith("Rebuild failed: 2 problems"), said
    assert (
        "Refused: 2 problems in the sources" in capsys.readouterr().err
    )  # the problems themselves still listed


# ---- 5: invisible and direction-changing characters --------------------------------------


@pytest.mark.parametrize(
    ("character", "name"),
    [
        ("\u200b", "ZERO WIDTH SPACE"),
        ("\u202e", "RIGHT-TO-LEFT OVERRIDE"),
        ("\u2066", "LEFT-TO-RIGHT ISOLATE"),
    ],
)
def test_a_hidden_character_in_a_clause_is_refused_with_line_column_and_name(
    handbook: Path, character: str, name: str
) -> None:
    page = next((handbook / "handbook" / "social-media").glob("04-*.md"))
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if line.startswith("Employees must"))
    lines[number] = lines[number].replace("must", f"mu{character}st", 1)
    page.write_text("".join(lines), encoding="utf-8")
    column = lines[number].index(character) + 1
    result = run_build(handbook)
    assert result.returncode != 0
    where = f"handbook/social-media/{page.name}:{number + 1}: error: column {column}: the character {name}"
    assert where in result.stderr, result.stderr


def test_clause_text_is_normalised_to_one_form(handbook: Path) -> None:
    """'café' typed as 'e' + combining accent is the same word as 'café' typed as one letter."""
    page = next((handbook / "handbook" / "social-media").glob("04-*.md"))
    text = page.read_text(encoding="utf-8")
    first = text.index("Employees must")
    page.write_text(text[:first] + "In a cafe\u0301, e" + text[first + 1 :], encoding="utf-8")
    result = run_build(handbook)
    assert result.returncode == 0, result.stderr
    draft = handbook / "_build" / "html" / "social-media" / "draft" / "clauses.json"
    words = " ".join(c["text"] for c in json.loads(draft.read_text(encoding="utf-8"))["clauses"])
    assert "In a caf\u00e9, employees must" in words
    assert words == unicodedata.normalize("NFC", words)


def test_the_editors_guide_lists_what_is_refused(site: Path) -> None:
    from clausebook.sphinxext.warnings_ import ClausebookWarning

    guide = (site / "editors.html").read_text(encoding="utf-8")
    kinds = (
        "RAW_HTML",
        "OUTSIDE_IMAGE",
        "UNSAFE_LINK",
        "HIDDEN_CHARACTER",
        "OUTSIDE_HANDBOOK",
        "OUTSIDE_TEMPLATE",
    )
    for kind in kinds:
        assert f"clausebook.{ClausebookWarning[kind].value}" in guide


def test_nothing_of_a_failed_build_is_left_in_the_staged_sources(handbook: Path, secret: Path) -> None:
    (handbook / "handbook" / "social-media" / "passwd.md").symlink_to(secret)
    assert run_build(handbook).returncode != 0
    staged = handbook / "_build" / ".work" / "src"
    assert not [p for p in staged.rglob("*") if p.is_symlink() and p.resolve() == secret.resolve()]


# ---- attack 5, finding 4: templates/ and conf.py reach nothing outside the handbook -------


def test_a_template_including_a_file_of_the_machine_is_refused_with_its_line(
    handbook: Path, secret: Path
) -> None:
    before = tree_digest(handbook / "_build" / "html")
    navigation = handbook / "templates" / "sidebar" / "navigation.html"
    climbing = os.path.relpath(secret, navigation.parent.parent)
    lines = navigation.read_text(encoding="utf-8").splitlines()
    navigation.write_text(
        "\n".join([*lines, f'{{% include "{secret}" %}}', f"{{% include '{climbing}' %}}"]) + "\n",
        encoding="utf-8",
    )
    result = run_build(handbook)
    assert result.returncode != 0
    for line, name in ((len(lines) + 1, str(secret)), (len(lines) + 2, climbing)):
        assert (
            f"templates/sidebar/navigation.html:{line}: error: this template reads {name!r}" in result.stderr
        )
    assert tree_digest(handbook / "_build" / "html") == before
    assert not [path for path, data in published_bytes(handbook) if SECRET.encode() in data]


def test_a_template_name_made_while_rendering_is_refused_too(handbook: Path, secret: Path) -> None:
    navigation = handbook / "templates" / "sidebar" / "navigation.html"
    head, tail = str(secret)[:5], str(secret)[5:]
    with navigation.open("a", encoding="utf-8") as file:
        file.write(f'{{% set name = "{head}" ~ "{tail}" %}}{{% include name %}}\n')
    result = run_build(handbook)
    assert result.returncode != 0
    assert f"error: this template reads {str(secret)!r}" in result.stderr
    assert not [path for path, data in published_bytes(handbook) if SECRET.encode() in data]


def test_a_script_written_in_a_template_is_not_allowed_by_the_policy(handbook: Path) -> None:
    page = handbook / "templates" / "page.html"
    page.write_text("<script>alert('tpl')</script>\n" + page.read_text(encoding="utf-8"), encoding="utf-8")
    result = run_build(handbook)
    assert result.returncode == 0, result.stderr
    home = read(handbook / "_build" / "html" / "index.html")
    assert "alert('tpl')" in home.inline_scripts  # published as written, but it never runs:
    allowed = script_hashes(home.policies[0])
    assert sha256("alert('tpl')") not in allowed
    theme = next(s for s in home.inline_scripts if "dataset.theme" in s)  # Furo's own still runs
    assert sha256(theme) in allowed


CONF_REFUSED = {
    "static-absolute": ('html_static_path = ["_static", "{outside}"]', "html_static_path lists"),
    "extra-climbing": ('html_extra_path = ["../{outside_rel}"]', "html_extra_path lists"),
    "templates-outside": ('templates_path = ["../templates", "{outside}"]', "templates_path lists"),
    "js-other-site": ('html_js_files = ["https://example.com/x.js"]', "a file on another site"),
    "js-inline": ('html_js_files = [("x.js", {{"body": "alert(1)"}})]', "writes a script into every page"),
    "css-other-site": ('html_css_files = ["https://example.com/x.css"]', "a file on another site"),
}


@pytest.mark.parametrize("case", sorted(CONF_REFUSED))
def test_conf_py_naming_anything_outside_the_handbook_is_refused(
    handbook: Path, secret: Path, case: str
) -> None:
    before = tree_digest(handbook / "_build" / "html")
    setting, words = CONF_REFUSED[case]
    outside = secret.parent
    outside_rel = os.path.relpath(outside, handbook).replace(os.sep, "/")
    conf = handbook / "handbook" / "conf.py"
    line = setting.format(outside=outside, outside_rel=outside_rel)
    conf.write_text(conf.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    result = run_build(handbook)
    assert result.returncode != 0
    assert "handbook/conf.py: error: " in result.stderr and words in result.stderr, result.stderr
    assert tree_digest(handbook / "_build" / "html") == before
    assert not [path for path, data in published_bytes(handbook) if SECRET.encode() in data]


# ---- attack 5, finding 5: a change in conf.py reaches every page, and nothing stays behind ---

PAGE_TITLE = re.compile(r"<title>([^<]*)</title>")  # the first is the page's (Furo's icons have titles too)
OFFLINE = re.compile(r'<meta name="clausebook-offline" content="(\w+)">')


def test_a_change_in_conf_py_reaches_every_page_the_extension_generates(handbook: Path) -> None:
    conf = handbook / "handbook" / "conf.py"
    conf.write_text(
        conf.read_text(encoding="utf-8") + '\nhtml_title = "Renamed handbook"\nclausebook_offline = False\n',
        encoding="utf-8",
    )
    result = run_build(handbook)
    assert result.returncode == 0, result.stderr
    site = handbook / "_build" / "html"
    pages = {
        page.relative_to(site).as_posix(): page.read_text(encoding="utf-8") for page in site.rglob("*.html")
    }
    # Each kind of page the extension writes itself, not from a source of its own.
    generated = ("clause/", "/in-force.html", "social-media/index.html", "quiz.html", "should-i-post.html")
    for kind in generated:
        assert any(kind in name for name in pages), kind
    titles = {name: PAGE_TITLE.findall(html)[:1] for name, html in pages.items()}
    assert {name: title for name, title in titles.items() if not title[0].endswith("Renamed handbook")} == {}
    # Still saying "on", a page would never remove the service worker and its copies.
    assert {
        name: OFFLINE.findall(html) for name, html in pages.items() if OFFLINE.findall(html) != ["off"]
    } == {}
    assert not (site / "clausebook-sw.js").exists()


def test_a_file_taken_out_of_the_extra_files_leaves_the_published_site(handbook: Path) -> None:
    extra = handbook / "handbook" / "_extra"
    extra.mkdir()
    (extra / "notice.txt").write_text("A notice for staff.\n", encoding="utf-8")
    (extra / "kept.txt").write_text("Kept.\n", encoding="utf-8")
    conf = handbook / "handbook" / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + '\nhtml_extra_path = ["_extra"]\n', encoding="utf-8")
    assert run_build(handbook).returncode == 0
    site = handbook / "_build" / "html"
    assert (site / "notice.txt").is_file()
    (extra / "notice.txt").unlink()
    result = run_build(handbook)
    assert result.returncode == 0, result.stderr
    assert not (site / "notice.txt").exists()
    assert (site / "kept.txt").is_file()
    # Sphinx's record of the settings, old or new, is not the site's.
    assert not list(site.glob(".buildinfo*"))

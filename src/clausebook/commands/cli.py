"""The command line: ``python -m clausebook build|check|serve``. Wiring only; the parts do the work."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clausebook import __version__


def _overrides(args: argparse.Namespace) -> dict[str, str]:
    return {"clausebook_today": args.today} if args.today else {}


def _site(args: argparse.Namespace, *, publish_site: bool) -> int:
    from clausebook.commands.build import build

    return build(
        args.root,
        publish_site=publish_site,
        jobs=args.jobs,
        quiet=args.quiet,
        overrides=_overrides(args),
        verbose=args.verbose,
    )


def _build(args: argparse.Namespace) -> int:
    return _site(args, publish_site=True)


def _check(args: argparse.Namespace) -> int:
    return _site(args, publish_site=False)


def _pdf(args: argparse.Namespace) -> int:
    from clausebook.commands.build import build

    out = (args.root / "_build" / "pdf").resolve()
    overrides = {"clausebook_pdf_dir": str(out), "clausebook_school": args.school}
    status = build(args.root, publish_site=False, quiet=args.quiet, overrides=overrides)
    if status == 0:
        print(f"The PDFs are in {out.relative_to(args.root.resolve())}/")
    return status


def _release(args: argparse.Namespace) -> int:
    import datetime as dt

    from clausebook.versions.releasing import release

    editorial = {part for part in args.editorial.replace(",", " ").split() if part}
    return release(args.root, args.policy, args.version, args.effective, editorial, dt.date.today())


def _pins(args: argparse.Namespace) -> int:
    from clausebook.versions.pinning import confirm_pins

    return confirm_pins(
        args.root, args.policy, {part for part in args.items.replace(",", " ").split() if part}
    )


def _tree_record(args: argparse.Namespace) -> int:
    from clausebook.commands.records import write_tree_records

    return write_tree_records(args.root)


def _scenarios(args: argparse.Namespace) -> int:
    from clausebook.commands.scenarios import check_scenarios

    return check_scenarios(args.root)


def _policy(args: argparse.Namespace) -> int:
    import datetime as dt

    from clausebook.commands.scaffold import new_policy

    return new_policy(args.root, args.name, args.title, dt.date.today())


def _serve(args: argparse.Namespace) -> int:
    from clausebook.commands.serve import serve

    return serve(args.root, host=args.host, port=args.port)


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="clausebook", description="Publish staff policies from MyST sources.")
    main.add_argument("--version", action="version", version=f"clausebook {__version__}")
    main.add_argument("--root", type=Path, default=Path.cwd(), help="the repository (default: here)")
    commands = main.add_subparsers(dest="command", required=True)

    for name, func, help_text in (
        ("build", _build, "build the site into _build/html (only if there are no problems)"),
        ("check", _check, "check the sources and report every problem, publishing nothing"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("-j", "--jobs", type=int, default=1, help="processes for reading and writing")
        command.add_argument("-q", "--quiet", action="store_true", help="print problems only")
        command.add_argument(
            "-v", "--verbose", action="store_true", help="also print Sphinx's and MyST's own reports"
        )
        command.add_argument(
            "--today", default="", help="build the site as of this date (YYYY-MM-DD), to preview"
        )
        command.set_defaults(func=func)

    pdf = commands.add_parser("pdf", help="build only the PDFs, into _build/pdf/")
    pdf.add_argument("--school", default="", help="a school's edition: one of clausebook_schools in conf.py")
    pdf.add_argument("-q", "--quiet", action="store_true", help="print problems only")
    pdf.set_defaults(func=_pdf)

    release = commands.add_parser("release", help="freeze the amended policy as a new version")
    release.add_argument("--policy", required=True, help="the policy's folder name, like social-media")
    release.add_argument("--version", required=True, help="the new version number, like 1.1")
    release.add_argument("--effective", required=True, help="the date it comes into force, YYYY-MM-DD")
    release.add_argument(
        "--editorial",
        default="",
        help="changed clauses that are wording only (like '4.4 6.2'); others are substantive",
    )
    release.add_argument(
        "-q", "--quiet", action="store_true", help="(accepted for symmetry; problems always print)"
    )
    release.set_defaults(func=_release)

    pins = commands.add_parser("pins", help="confirm guidance items against the clauses as they now read")
    pins.add_argument("--policy", required=True)
    pins.add_argument(
        "--items", default="", help="items to re-confirm, like 'quiz:logo rule:logo-in-profile'"
    )
    pins.add_argument("-q", "--quiet", action="store_true", help="(accepted for symmetry)")
    pins.set_defaults(func=_pins)

    policy = commands.add_parser("policy", help="start a new policy: its folder, index and first section")
    policy.add_argument("--name", required=True, help="the policy's folder name, like code-of-conduct")
    policy.add_argument("--title", required=True, help='its title, like "Staff code of conduct"')
    policy.set_defaults(func=_policy)

    record = commands.add_parser(
        "tree-record", help="rewrite quizzes/<policy>.verdicts.md from the built site (after 'build')"
    )
    record.set_defaults(func=_tree_record)

    scenarios = commands.add_parser(
        "scenarios", help="walk quizzes/<policy>.scenarios.yaml through the guidance (after 'build')"
    )
    scenarios.set_defaults(func=_scenarios)

    serve = commands.add_parser("serve", help="serve _build/html on this computer, rebuilding on change")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(func=_serve)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    status: int = args.func(args)
    return status


if __name__ == "__main__":
    sys.exit(main())

"""The ``cleancorp`` command: a thin shell around :func:`cleancorp.clean`.

``cleancorp clean FILE...`` cleans UTF-8 text files. By default it prints,
for each file, a header, the cleaned text and the audit; ``--json`` prints one
JSON object a file instead; ``-o DIR`` writes each cleaned text to ``DIR``
(written to a temporary file and renamed into place, so an interrupted run
leaves no partial file).

Exit codes: 0 done; 1 a file could not be read or written (the others are
still done); 2 bad usage, including an ``-o`` folder where an output would
overwrite an input file or another output (then nothing is written).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from cleancorp import __version__
from cleancorp.config import CleanConfig
from cleancorp.pipeline import clean
from cleancorp.result import CleanResult
from cleancorp.rules import RuleFileError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
PREVIEW = 90


def _preview(text: str) -> str:
    return repr(text if len(text) <= PREVIEW else text[: PREVIEW - 1] + "…")


def format_audit(result: CleanResult) -> list[str]:
    """One line per edit: action, category, rule, paragraph and text."""
    lines = []
    for edit in result.edits:
        if edit.action == "drop":
            detail = _preview(edit.before)
        else:
            detail = f"{_preview(edit.before)} -> {_preview(edit.after)}"
        lines.append(f"  {edit.action:4} ¶{edit.paragraph:<3} {edit.category} [{edit.rule}] {detail}")
    return lines


def write_atomic(path: Path, text: str) -> None:
    """Write text to path through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _clean_file(path: Path, config: CleanConfig, args: argparse.Namespace, out: TextIO) -> bool:
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        print(
            f"cleancorp: {path}: not UTF-8 text ({error.reason} at byte {error.start}); "
            f"convert it first, e.g. iconv -f cp1252 -t utf-8",
            file=sys.stderr,
        )
        return False
    except OSError as error:
        print(f"cleancorp: {path}: {error.strerror or error}", file=sys.stderr)
        return False
    result = clean(raw, config)
    if args.output is not None:
        target = args.output / path.name
        try:
            write_atomic(target, result.text + "\n" if result.text else "")
        except OSError as error:
            print(f"cleancorp: cannot write {target}: {error.strerror or error}", file=sys.stderr)
            return False
    if args.json:
        out.write(json.dumps({"path": str(path), **result.to_dict()}, ensure_ascii=False) + "\n")
        return True
    counts = f"{len(result.removals)} dropped, {len(result.repairs)} repaired"
    print(f"==> {path} ({result.language} {result.language_confidence:.2f}; {counts}) <==", file=out)
    if args.output is None:
        print(result.text, file=out)
        print("-- audit:", file=out)
    for line in format_audit(result):
        print(line, file=out)
    print(file=out)
    return True


def _output_collisions(files: Sequence[Path], output: Path) -> list[str]:
    """Why writing ``files`` into ``output`` would overwrite an input or an output."""
    inputs = {path.resolve() for path in files}
    seen: dict[Path, Path] = {}
    problems = []
    for path in files:
        target = (output / path.name).resolve()
        if target in inputs:
            problems.append(
                f"{path}: the output {output / path.name} is an input file; choose another output folder"
            )
        elif target in seen:
            problems.append(
                f"{path}: {seen[target]} has the same name, both would be written to {output / path.name}"
            )
        seen.setdefault(target, path)
    return problems


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``cleancorp`` command."""
    parser = argparse.ArgumentParser(
        prog="cleancorp",
        description="Clean scraped article text: boilerplate, encoding, translation quirks.",
    )
    parser.add_argument("--version", action="version", version=f"cleancorp {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    clean_parser = commands.add_parser("clean", help="clean text files and print the result and its audit")
    clean_parser.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="UTF-8 text files, one article each"
    )
    clean_parser.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="DIR",
        help="write each cleaned text to DIR/<name> instead of printing it",
    )
    clean_parser.add_argument(
        "--json", action="store_true", help="print one JSON object per file (text, language, edits)"
    )
    clean_parser.add_argument(
        "--language", metavar="CODE", help="the language of the text, when known (skips detection)"
    )
    clean_parser.add_argument(
        "--keep",
        action="append",
        default=[],
        metavar="CATEGORY",
        help="a category to leave alone (repeatable)",
    )
    clean_parser.add_argument(
        "--disable", action="append", default=[], metavar="RULE", help="a rule id to switch off (repeatable)"
    )
    clean_parser.add_argument(
        "--rules", action="append", default=[], metavar="TOML", help="an extra rule file (repeatable)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return EXIT_OK if exit_.code in (0, None) else EXIT_USAGE
    try:
        config = CleanConfig(
            language=args.language,
            keep_categories=set(args.keep),
            disabled_rules=set(args.disable),
            rule_files=args.rules,
        )
    except (ValueError, TypeError, RuleFileError) as error:
        print(f"cleancorp: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.output is not None:
        problems = _output_collisions(args.files, args.output)
        if problems:
            for problem in problems:
                print(f"cleancorp: {problem}", file=sys.stderr)
            return EXIT_USAGE
    ok = True
    for path in args.files:
        ok = _clean_file(path, config, args, sys.stdout) and ok
    return EXIT_OK if ok else EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())

"""The long fuzzing run, and the seed corpus it starts from.

    pip install atheris==3.0.0
    python bench/run_fuzz.py --minutes 30             # one process; new inputs in bench/out/fuzz/corpus
    python bench/run_fuzz.py --write-seeds            # (re)write tests/fuzz/corpus

libFuzzer's output goes to ``bench/out/fuzz/fuzz.log``; a finding stops the run and is
written to ``bench/out/fuzz/crashes/crash-<sha1>``. Replay one with
``python tests/fuzz/fuzz_clean.py bench/out/fuzz/crashes/crash-...``; once it is fixed,
copy it into ``tests/fuzz/crashes/`` so that ``tests/test_fuzz.py`` replays it
from then on. To look further while a finding waits for its fix, name it with
``--known "<name>"`` (the name the run prints, from ``checks.finding_id``):
inputs that fail with it are counted and the first is printed, and the run
goes on. The run ends with libFuzzer's figures: inputs executed, executions a
second, coverage (``cov``) and features (``ft``).
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "fuzz"))

from checks import encode_case  # type: ignore[import-not-found,unused-ignore]  # noqa: E402

HARNESS = ROOT / "tests" / "fuzz" / "fuzz_clean.py"
SEED_DIR = ROOT / "tests" / "fuzz" / "corpus"

_ARTICLE = (
    "The council voted on Monday to approve the new budget, which raises spending on schools "
    "and roads for the third year in a row."
)
_JSONL = (
    '{"id": 1, "text": "Advertisement\\nThe mayor opened the bridge on Friday."}\n'
    "not json at all\n"
    "[1, 2, 3]\n"
    '{"id": 3}\n'
    '{"id": 4, "text": 5}\n'
    "\n"
    '{"id": 6, "text": "caf\\u00c3\\u00a9 \\ud800 \\u00a0 x", "metadata": "m"}\r\n'
)
SEEDS: dict[str, bytes] = {
    "clean-boilerplate": encode_case(
        "clean", 0, "utf-8", f"Share this article\n\n{_ARTICLE}\n\nAdvertisement\n\n***\n".encode()
    ),
    "clean-guillemets-en": encode_case(
        "clean",
        1,
        "utf-8",
        "The minister said « we heard « no » from them » on Monday. “We must prepare ,” he said .".encode(),
    ),
    "clean-mojibake": encode_case(
        "clean", 0, "mojibake", "Le café de la gare a rouvert lundi, après des mois de travaux.".encode()
    ),
    "clean-paragraph-languages": encode_case(
        "clean",
        2,
        "utf-8",
        (
            f"{_ARTICLE}\n\nLe conseil a voté lundi le nouveau budget de la ville. « Non ! » dit-il.\n\n"
            "Der Rat hat am Montag den neuen Haushalt beschlossen."
        ).encode(),
    ),
    "clean-invisible-utf16": encode_case(
        "clean",
        0,
        "utf-16",
        "a\u200bb\u00a0\u00a0c &amp;amp; d\u2028e\ud800f\r\n\r\n\u00adg\ufeff".encode(
            "utf-16-le", "surrogatepass"
        ),
    ),
    "html-article": encode_case(
        "html",
        0,
        "utf-8",
        (
            "<html><head><title>Budget</title></head><body><nav>Home | News | Sport</nav>"
            f"<article><h1>Budget approved</h1><p>{_ARTICLE}</p><p>Follow us on Twitter</p>"
            "<p>« Nous avons entendu « non » » dit le maire.</p><table><tr><td>a</td><td>b</td></tr>"
            "</table></article><footer>© 2024 Acme News</footer></body></html>"
        ).encode(),
    ),
    "jsonl-mixed-lines": encode_case("jsonl", 1, "utf-8", _JSONL.encode()),
    "jsonl-records": encode_case(
        "jsonl", 0, "utf-8", f"Read more: all our stories\n\n{_ARTICLE}\n\n\u00c3\u00a9t\u00c3\u00a9".encode()
    ),
    "jsonl-gz-records": encode_case("jsonl.gz", 0, "utf-8", f"Newsletter\n\n{_ARTICLE}".encode()),
    "jsonl-gz-raw": encode_case("jsonl.gz", 1, "utf-8", gzip.compress(_JSONL.encode(), mtime=0)),
    "jsonl-zst-records": encode_case("jsonl.zst", 0, "utf-8", _ARTICLE.encode()),
    "txt-bom-crlf": encode_case(
        "txt", 1, "utf-8", f"\ufeffRead more: all our stories\r\n{_ARTICLE}  \r\n\r\n\r\n".encode()
    ),
    "fix-jsonl-mixed-lines": encode_case("fix.jsonl", 1, "utf-8", _JSONL.encode()),
    "fix-jsonl-records": encode_case("fix.jsonl", 2, "utf-8", f"Advertisement\n\n{_ARTICLE}".encode()),
    "fix-txt-mojibake": encode_case("fix.txt", 0, "mojibake", f"Caf\u00e9  {_ARTICLE}\n\n\n".encode()),
    "table": encode_case(
        "table",
        0,
        "utf-8",
        b'{"counts":{"0123456789abcdef":2},"documents":3,'
        b'"format":"cleancorp.repeated_lines","normalization":"casefold-digits-nopunct-v1","version":1}',
    ),
}


def write_seeds() -> None:
    SEED_DIR.mkdir(parents=True, exist_ok=True)
    for name, data in SEEDS.items():
        (SEED_DIR / name).write_bytes(data)
    print(f"{len(SEEDS)} seeds written to {SEED_DIR}")


def summary(log: str) -> str:
    """The last stat line of libFuzzer's output, and how the run ended."""
    stats = re.findall(r"^#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+).*?exec/s: (\d+)", log, re.MULTILINE)
    if not stats:
        return "no libFuzzer statistics in the output"
    runs, cov, ft, rate = stats[-1]
    done = re.search(r"^Done (\d+) runs in (\d+) second", log, re.MULTILINE)
    ending = f"; done {done[1]} runs in {done[2]} s" if done else ""
    return f"{int(runs):,} inputs, cov {cov}, ft {ft}, {rate} exec/s{ending}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=30.0, help="how long to fuzz (30)")
    parser.add_argument(
        "--work",
        type=Path,
        default=ROOT / "bench" / "out" / "fuzz",
        help="corpus, crashes, log (bench/out/fuzz)",
    )
    parser.add_argument("--seed", type=int, default=1, help="libFuzzer's random seed (1)")
    parser.add_argument("--write-seeds", action="store_true", help="write the seed corpus and stop")
    parser.add_argument(
        "--known", action="append", default=[], metavar="NAME", help="go on past this finding"
    )
    args = parser.parse_args(argv)
    if args.write_seeds:
        write_seeds()
        return 0
    corpus, crashes = args.work / "corpus", args.work / "crashes"
    corpus.mkdir(parents=True, exist_ok=True)
    crashes.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        str(HARNESS),
        f"-max_total_time={int(args.minutes * 60)}",
        "-max_len=4096",
        f"-seed={args.seed}",
        f"-artifact_prefix={crashes}/",
        str(corpus),
        str(SEED_DIR),
    ]
    env = dict(os.environ, CLEANCORP_FUZZ_KNOWN=";".join(args.known))
    log = args.work / "fuzz.log"
    print(" ".join(command), f"> {log}", flush=True)
    with log.open("wb") as output:
        done = subprocess.run(command, stdout=output, stderr=subprocess.STDOUT, env=env, check=False)
    text = log.read_text("utf-8", "replace")
    print(text[-3000:] if done.returncode else "", summary(text), sep="\n")
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())

"""Cost per megabyte of clean() on pathological documents, against real articles.

The documents are those of ``tests/test_pathological.py`` at full size: ten
megabytes on one line, a million line breaks, a megabyte of one character,
100,000 quote marks of each kind, scripts alternating every character and
every word, every class of code point, combining marks stacked 1,000 deep, a
megabyte of mojibake. For each it prints the seconds, the cost per MB and its
ratio to the cost per MB of normal articles (the seeds in ``seeds/raw``,
cleaned as separate documents), measured in the same run, best of
``--repeat`` runs each. The target of the reliability issue: every ratio at
most 5. Usage::

    python bench/bench_pathological.py               # full size
    python bench/bench_pathological.py --mb 1        # every document at 1 MB
    python bench/bench_pathological.py --only mojibake --profile

Results are recorded in ``docs/reliability.md``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from bench_language import best_time  # type: ignore[import-not-found,unused-ignore]  # noqa: E402
from test_pathological import (  # type: ignore[import-not-found,unused-ignore]  # noqa: E402
    CODE_POINT_CLASSES,
    pathological_documents,
)

from cleancorp import clean  # noqa: E402

TARGET = 5.0
READ_MORE = "Read more:\nNASA Europa Mission Could Spot Life\n"


def full_size_documents(mb: float | None) -> dict[str, str]:
    """The issue's sizes (10 MB on one line, 10^6 line breaks, 1 MB otherwise), or all at ``mb``."""
    size = int((mb or 1) * 1_000_000)
    documents: dict[str, str] = pathological_documents(size)
    if mb is None:
        documents["one-line"] = pathological_documents(10_000_000)["one-line"]
        documents["quotes-straight"] = '"' * 100_000
        documents["quotes-curly"] = "“" * 100_000
        documents["quotes-guillemets"] = "« " * 50_000
    # the hardest form of the code point classes: each line short and full of them
    documents["code-point-classes-short-lines"] = (CODE_POINT_CLASSES + "\n") * (size // 38)
    # a link label under each headline: twice the text should cost twice the time
    for chars in (125_000, 250_000):
        documents[f"read-more-labels-{chars // 1000}k"] = READ_MORE * (chars // len(READ_MORE))
    return documents


def normal_cost(repeat: int, chars: int = 1_000_000) -> float:
    seeds = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "seeds" / "raw").glob("*.txt"))]
    documents: list[str] = []
    while sum(map(len, documents)) < chars:
        documents += seeds
    clean(documents[0])

    def run() -> None:
        for document in documents:
            clean(document)

    return best_time(run, repeat) / (sum(map(len, documents)) / 1e6)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mb", type=float, default=None, help="every document at this size (MB)")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs (default 3)")
    parser.add_argument("--only", action="append", default=[], help="only these documents")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of each document")
    args = parser.parse_args(argv)

    normal = normal_cost(args.repeat)
    print(f"normal articles: {normal:.3f} s/MB ({1 / normal:.2f} MB/s), best of {args.repeat}")
    print(f"{'document':34} {'chars':>11} {'seconds':>8} {'s/MB':>7} {'ratio':>6}")
    worst = 0.0
    for name, text in full_size_documents(args.mb).items():
        if args.only and name not in args.only:
            continue
        seconds = best_time(partial(clean, text), args.repeat)
        per_mb = seconds / (len(text) / 1e6)
        ratio = per_mb / normal
        worst = max(worst, ratio)
        flag = "" if ratio <= TARGET else "  over target"
        print(f"{name:34} {len(text):>11,} {seconds:>8.2f} {per_mb:>7.3f} {ratio:>6.1f}{flag}", flush=True)
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(clean, text)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(12)
    print(f"worst ratio {worst:.1f} (target <= {TARGET:g})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

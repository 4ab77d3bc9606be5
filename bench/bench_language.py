"""Accuracy and speed of the language-detection backends, measured in one run.

For each backend that is installed (``langdetect``, the default;
``langdetect-sampling``; ``py3langid`` and ``fasttext``, optional extras) and
for ``langdetect.detect`` (the library's own global detector, seeded):

1. **Accuracy** on ``shared/data/langid_eval.jsonl`` per bucket (``tiny``,
   ``short``, ``sentence``, ``udhr_sent``, ``paragraph``), counting only the
   texts whose language the backend knows.
2. **Throughput** on the ``paragraph`` bucket (paragraphs per second) and on
   whole articles: the 181 ScrapingHub gold bodies (MB/s), and the ratio to
   seeded ``langdetect.detect`` on the same articles.

Usage::

    python bench/bench_language.py [--data ../shared/data] [--repeats 3]

Times are the fastest of ``--repeats`` runs, each backend in turn.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data"
BUCKETS = ("tiny", "short", "sentence", "udhr_sent", "paragraph")
ISO = {"zh-cn": "zh", "zh-tw": "zh"}


def detectors() -> dict[str, tuple[Callable[[str], str], frozenset[str]]]:
    """name -> (text -> ISO code, languages known), for what is installed."""
    from cleancorp.language import BACKENDS, get_backend

    found: dict[str, tuple[Callable[[str], str], frozenset[str]]] = {}
    for name in BACKENDS:
        try:
            backend = get_backend(name)
        except ImportError as error:
            print(f"  ({name}: not installed: {error})")
            continue

        def detect(text: str, backend=backend) -> str:  # type: ignore[no-untyped-def]
            ranked = backend.probabilities(text)
            return ranked[0][0] if ranked else "und"

        found[name] = (detect, backend.languages)

    import langdetect
    from langdetect import DetectorFactory
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0  # the library's global detector, seeded

    def raw(text: str) -> str:
        try:
            code = langdetect.detect(text)
        except LangDetectException:
            return "und"
        return ISO.get(code, code)

    found["langdetect.detect"] = (raw, found["langdetect"][1] if "langdetect" in found else frozenset())
    return found


def best_time(run: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in (args.data / "langid_eval.jsonl").open(encoding="utf-8")]
    scrapinghub = args.data / "scrapinghub"
    manifest = [json.loads(line) for line in (scrapinghub / "manifest.jsonl").open(encoding="utf-8")]
    articles = [(scrapinghub / item["gold_path"]).read_text(encoding="utf-8") for item in manifest]
    megabytes = sum(len(a.encode("utf-8")) for a in articles) / 1e6
    paragraphs = [r["text"] for r in rows if r["bucket"] == "paragraph"]

    print(f"{len(rows)} texts in {len(BUCKETS)} buckets; {len(articles)} articles, {megabytes:.2f} MB")
    found = detectors()
    print()
    header = (
        f"{'backend':24s}"
        + "".join(f"{b:>10s}" for b in BUCKETS)
        + f"{'para/s':>10s}{'MB/s':>8s}{'speed':>8s}"
    )
    print(header)
    raw_article_time = best_time(lambda: [found["langdetect.detect"][0](a) for a in articles], args.repeats)
    for name, (detect, languages) in found.items():
        right, total = Counter(), Counter()
        for row in rows:
            if row["lang"] in languages:
                total[row["bucket"]] += 1
                right[row["bucket"]] += detect(row["text"]) == row["lang"]
        detect(articles[0])  # load what loads on first use
        paragraph_time = best_time(lambda d=detect: [d(p) for p in paragraphs], args.repeats)
        article_time = (
            raw_article_time
            if name == "langdetect.detect"
            else best_time(lambda d=detect: [d(a) for a in articles], args.repeats)
        )
        accuracy = "".join(
            f"{100 * right[b] / total[b]:10.1f}" if total[b] else f"{'-':>10s}" for b in BUCKETS
        )
        print(
            f"{name:24s}{accuracy}{len(paragraphs) / paragraph_time:10.0f}"
            f"{megabytes / article_time:8.2f}{raw_article_time / article_time:7.1f}x"
        )
    print()
    print(
        "accuracy: % of the texts in languages the backend knows; speed: articles, against langdetect.detect"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

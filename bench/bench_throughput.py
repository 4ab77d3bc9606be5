"""Throughput of cleancorp against the floor and the alternatives, in one run.

Builds (once; cached in ``bench/out/throughput/``) a corpus of real text at
least ``--mb`` megabytes large: the five seeds, the 181 ScrapingHub pages as
trafilatura extracts them (site furniture included) and their gold bodies,
and variants of these with mojibake (UTF-8 read as cp1252) and boilerplate
lines spliced in, plus paragraphs of the 24-language identification set
grouped into documents. Then measures, on this machine, in this run:

1. the floor: reading and parsing the JSONL;
2. a naive pipeline: ``ftfy.fix_text``, a 200-phrase list as one regex tried
   on every line, and ``langdetect.detect`` on the whole text (on a sample:
   it is slow);
3. datatrove's ``FTFYFormatter`` and ``C4QualityFilter`` (on a sample;
   skipped with a note when datatrove is not installed);
4. ``cleancorp.clean()`` with the default config, in this process;
5. ``cleancorp clean --workers 1`` and ``--workers 2`` on the corpus file, with
   the peak RSS of each process (Linux ``/proc``).

Prints MB/s, documents/s, peak RSS and the ratios the performance targets
are stated in. Usage::

    python bench/bench_throughput.py                 # 50 MB corpus
    python bench/bench_throughput.py --mb 500 --cli-only   # peak RSS at 500 MB
    python bench/bench_throughput.py --sample-mb 2   # smaller samples for 2. and 3.

Results are recorded in ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = ROOT.parent / "shared" / "data"
OUT = HERE / "out" / "throughput"

BOILERPLATE_LINES = (
    "Advertisement",
    "Share this article",
    "Follow us on Twitter and Facebook for the latest news.",
    "Sign up for our daily newsletter to get the top stories in your inbox.",
    "Read more: The ten stories you missed this week",
    "Publicité",
    "Lire aussi : les dernières informations",
    "Anzeige",
    "Folgen Sie uns auf Facebook",
    "© 2024 The Daily Courier. All rights reserved.",
    "Photo: Reuters",
    "We use cookies to improve your experience. By continuing you accept our use of cookies.",
)


def _texts() -> Iterator[tuple[str, str]]:
    """(kind, text) of every real document available."""
    for path in sorted((ROOT / "seeds" / "raw").glob("*.txt")):
        yield "seed", path.read_text(encoding="utf-8")
    scrapinghub = DATA / "scrapinghub"
    manifest = scrapinghub / "manifest.jsonl"
    if manifest.exists():
        cache = HERE / "out" / "trafilatura"
        for line in manifest.open(encoding="utf-8"):
            item = json.loads(line)
            yield "gold", (scrapinghub / item["gold_path"]).read_text(encoding="utf-8")
            extracted = cache / f"{item['id']}.txt"
            if extracted.exists():
                yield "extracted", extracted.read_text(encoding="utf-8")
    langid = DATA / "langid_eval.jsonl"
    if langid.exists():
        by_language: dict[str, list[str]] = {}
        for line in langid.open(encoding="utf-8"):
            item = json.loads(line)
            if item.get("bucket") in ("sentence", "paragraph", "udhr"):  # not the one- and two-word probes
                by_language.setdefault(item["lang"], []).append(item["text"])
        for texts in by_language.values():
            for start in range(0, len(texts), 12):
                yield "langid", "\n\n".join(texts[start : start + 12])


def _variant(text: str, rng: random.Random) -> str:
    """The text with boilerplate lines spliced in and, sometimes, mojibake."""
    paragraphs = text.split("\n")
    for _ in range(rng.randint(1, 4)):
        paragraphs.insert(
            rng.choice((0, len(paragraphs), rng.randint(0, len(paragraphs)))), rng.choice(BOILERPLATE_LINES)
        )
    if rng.random() < 0.2:
        index = rng.randrange(len(paragraphs))
        paragraphs[index] = paragraphs[index].encode("utf-8").decode("cp1252", "replace")
    return "\n".join(paragraphs)


def build_corpus(megabytes: int) -> Path:
    """A JSONL corpus of at least ``megabytes`` MB (built once, then reused)."""
    path = OUT / f"corpus-{megabytes}mb.jsonl"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    sources = list(_texts())
    if not sources:
        raise SystemExit("no source text found: the seeds are in seeds/raw, the data in ../shared/data")
    rng = random.Random(20261122)
    size, number = 0, 0
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8") as out:
        while size < megabytes * 1_000_000:
            for kind, text in sources:
                record = {
                    "id": number,
                    "kind": kind,
                    "text": text if number < len(sources) else _variant(text, rng),
                }
                line = json.dumps(record, ensure_ascii=False) + "\n"
                out.write(line)
                size += len(line.encode("utf-8"))
                number += 1
    temporary.replace(path)
    return path


def read_texts(path: Path, limit_bytes: int | None = None) -> list[str]:
    texts, size = [], 0
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            texts.append(json.loads(line)["text"])
            size += len(texts[-1].encode("utf-8"))
            if limit_bytes is not None and size >= limit_bytes:
                break
    return texts


def megabytes(texts: list[str]) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


def timed(function: Callable[[], Any]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def naive_pipeline(texts: list[str]) -> None:
    """ftfy.fix_text, a 200-phrase regex on every line, langdetect on the whole text."""
    import ftfy
    import langdetect

    langdetect.DetectorFactory.seed = 0
    phrases = _phrases(200)
    pattern = re.compile("|".join(map(re.escape, phrases)), re.IGNORECASE)
    for text in texts:
        fixed = ftfy.fix_text(text)
        kept = [line for line in fixed.split("\n") if not pattern.search(line)]
        with contextlib.suppress(langdetect.lang_detect_exception.LangDetectException):
            langdetect.detect("\n".join(kept))


def _phrases(count: int) -> list[str]:
    """Boilerplate phrases: the first words of the removal cases of the test tables."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    phrases: list[str] = []
    for name in ("boilerplate_languages.toml", "boilerplate.toml"):
        data = tomllib.loads((ROOT / "tests" / "cases" / name).read_text(encoding="utf-8"))
        for case in data.get("remove", []):
            phrase = " ".join(case["text"].split()[:3])
            if len(phrase) >= 6 and phrase not in phrases:
                phrases.append(phrase)
    return phrases[:count]


def datatrove_pipeline(texts: list[str]) -> str | None:
    """datatrove's FTFYFormatter then C4QualityFilter; a note instead when it cannot run."""
    try:
        from datatrove.data import Document
        from datatrove.pipeline.filters import C4QualityFilter
        from datatrove.pipeline.formatters import FTFYFormatter
    except ImportError:
        return "datatrove is not installed (pip install datatrove)"
    documents = [Document(text=t, id=str(i)) for i, t in enumerate(texts)]
    try:
        steps = [FTFYFormatter(), C4QualityFilter(filter_no_terminal_punct=False)]
        stream: Any = iter(documents)
        for step in steps:
            stream = step.run(stream)
        for _ in stream:
            pass
    except Exception as error:  # a note in the report, not a crash of the bench
        return f"datatrove could not run here: {type(error).__name__}: {error}"
    return None


class PeakRss:
    """The peak resident set size of a process and each of its descendants (Linux /proc)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _family(self) -> list[int]:
        found, queue = [], [self.pid]
        while queue:
            pid = queue.pop()
            found.append(pid)
            try:
                for task in os.listdir(f"/proc/{pid}/task"):
                    children = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
                    queue += [int(c) for c in children]
            except OSError:
                continue
        return found

    def _watch(self) -> None:
        while not self._stop.is_set():
            for pid in self._family():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                match = re.search(r"VmRSS:\s+(\d+) kB", status)
                if match:
                    self.peaks[pid] = max(self.peaks.get(pid, 0), int(match.group(1)) * 1024)
            self._stop.wait(0.05)

    def stop(self) -> dict[int, int]:
        self._stop.set()
        self._thread.join()
        return self.peaks


def run_cli(corpus: Path, workers: int) -> tuple[float, int, int]:
    """Seconds, peak RSS of the main process, and the largest peak RSS of a worker."""
    output = OUT / f"cleaned-{corpus.stem}-w{workers}.jsonl"
    command = [
        sys.executable,
        "-m",
        "cleancorp",
        "clean",
        str(corpus),
        "-o",
        str(output),
        "-q",
        "--workers",
        str(workers),
    ]
    start = time.perf_counter()
    process = subprocess.Popen(command)
    watcher = PeakRss(process.pid)
    code = process.wait()
    seconds = time.perf_counter() - start
    peaks = watcher.stop()
    if code != 0:
        raise SystemExit(f"{' '.join(command)} exited with {code}")
    output.unlink(missing_ok=True)
    main = peaks.pop(process.pid, 0)
    return seconds, main, max(peaks.values(), default=main)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=50, help="corpus size in MB (50)")
    parser.add_argument("--sample-mb", type=float, default=4.0, help="sample for the slow pipelines (4 MB)")
    parser.add_argument("--skip-cli", action="store_true", help="leave out the command-line runs")
    parser.add_argument(
        "--cli-only", action="store_true", help="only the command-line runs (for peak RSS on a large corpus)"
    )
    args = parser.parse_args()

    import cleancorp

    corpus = build_corpus(args.mb)
    corpus_mb = corpus.stat().st_size / 1e6
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')}"
    )
    print(f"corpus: {corpus} ({corpus_mb:.1f} MB of JSONL)")

    if args.cli_only:
        for workers in (1, 2):
            seconds, main_rss, worker_rss = run_cli(corpus, workers)
            print(
                f"cleancorp clean --workers {workers}: {corpus_mb / seconds:.2f} MB/s, "
                f"peak RSS main {main_rss / 1e6:.0f} MB, largest worker {worker_rss / 1e6:.0f} MB"
            )
        return

    read_seconds = timed(lambda: read_texts(corpus))
    texts = read_texts(corpus)
    text_mb = megabytes(texts)
    print(f"{len(texts):,} documents, {text_mb:.1f} MB of text\n")
    rows: list[tuple[str, float, float, str]] = []
    rows.append(("read and parse the JSONL", corpus_mb / read_seconds, len(texts) / read_seconds, ""))

    sample = read_texts(corpus, int(args.sample_mb * 1e6))
    sample_mb = megabytes(sample)
    naive_seconds = timed(lambda: naive_pipeline(sample))
    naive = sample_mb / naive_seconds
    rows.append(
        (
            "naive: ftfy.fix_text + phrase regex + langdetect",
            naive,
            len(sample) / naive_seconds,
            f"{sample_mb:.1f} MB sample",
        )
    )

    note: str | None = None
    datatrove_rate = None
    datatrove_seconds = time.perf_counter()
    note = datatrove_pipeline(sample)
    datatrove_seconds = time.perf_counter() - datatrove_seconds
    if note is None:
        datatrove_rate = sample_mb / datatrove_seconds
        rows.append(
            (
                "datatrove FTFYFormatter + C4QualityFilter",
                datatrove_rate,
                len(sample) / datatrove_seconds,
                f"{sample_mb:.1f} MB sample",
            )
        )
    else:
        rows.append(("datatrove FTFYFormatter + C4QualityFilter", float("nan"), float("nan"), note))

    clean = cleancorp.clean
    clean(texts[0])  # load the rules and profiles before the clock starts
    clean_seconds = timed(lambda: [clean(text) for text in texts])
    cleancorp_rate = text_mb / clean_seconds
    rows.append(
        ("cleancorp clean(), one process", cleancorp_rate, len(texts) / clean_seconds, f"{text_mb:.1f} MB")
    )

    cli: dict[int, tuple[float, int, int]] = {}
    if not args.skip_cli:
        for workers in (1, 2):
            cli[workers] = run_cli(corpus, workers)
            seconds, main_rss, worker_rss = cli[workers]
            rows.append(
                (
                    f"cleancorp clean --workers {workers} (JSONL in and out)",
                    corpus_mb / seconds,
                    len(texts) / seconds,
                    f"peak RSS main {main_rss / 1e6:.0f} MB, worker {worker_rss / 1e6:.0f} MB",
                )
            )

    width = max(len(row[0]) for row in rows)
    print(f"{'':{width}}  {'MB/s':>8}  {'docs/s':>9}")
    for name, rate, docs, extra in rows:
        print(f"{name:{width}}  {rate:8.2f}  {docs:9,.0f}  {extra}")
    print()
    print(f"cleancorp clean() / naive pipeline:        {cleancorp_rate / naive:6.1f}x   (target >= 20)")
    if datatrove_rate is not None:
        ratio = cleancorp_rate / datatrove_rate
        print(f"cleancorp clean() / datatrove FTFY + C4:    {ratio:6.1f}x   (target >= 5)")
    print(f"cleancorp clean() per core:                {cleancorp_rate:6.2f} MB/s (target >= 15)")
    if cli:
        print(f"--workers 2 / --workers 1:                 {cli[1][0] / cli[2][0]:6.2f}x   (target >= 1.7)")
        worst = max(max(value[1], value[2]) for value in cli.values())
        print(f"peak RSS of any process:                   {worst / 1e6:6.0f} MB  (target <= 300 per worker)")


if __name__ == "__main__":
    main()

"""Measure boilerplate removal on the ScrapingHub article-extraction benchmark.

Two measurements, on the 181 pages of ``shared/data/scrapinghub``:

1. **Do no harm.** ``clean()`` on each gold article body (real, correct
   article text): the share of its tokens that survive, and every paragraph it
   drops and every repair it makes there (each a suspect), listed.
2. **After trafilatura.** Each page's HTML through ``trafilatura.extract``,
   then ``clean()``; bag-of-tokens precision, recall and F1 against the gold
   body (NFKC, lower case, tokens are runs of letters/digits, each CJK
   character a token; macro P over documents with output, macro R over all),
   beside trafilatura alone, in the same run.
3. **Speed.** The boilerplate stage alone and ``ftfy.fix_text`` on the gold
   bodies, in the same run, and their ratio.

Usage::

    python bench/eval_extraction.py [--data ../shared/data/scrapinghub] [--show N]

trafilatura's output is cached in ``bench/out/`` (it is slow and does not
change between runs of cleancorp).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

import cleancorp

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data" / "scrapinghub"
BULLET_RE = re.compile(r"^[-–•*·]\s+")  # trafilatura writes list items as "- item"
TOKEN_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]|[^\W_]+")


def tokens(text: str) -> Counter[str]:
    return Counter(TOKEN_RE.findall(unicodedata.normalize("NFKC", text).lower()))


def prf(output: str, gold: str) -> tuple[float | None, float]:
    out, ref = tokens(output), tokens(gold)
    common = sum((out & ref).values())
    precision = common / sum(out.values()) if out else None
    recall = common / sum(ref.values()) if ref else 1.0
    return precision, recall


def extract(data: Path, item: dict[str, str], cache: Path) -> str:
    cached = cache / f"{item['id']}.txt"
    if cached.exists():
        return cached.read_text(encoding="utf-8")
    import trafilatura

    html_path = data / item["html_path"]
    if not html_path.exists():
        html_path = html_path.with_name(html_path.name + ".gz")
    raw = html_path.read_bytes()
    if html_path.suffix == ".gz":
        raw = gzip.decompress(raw)
    html = raw.decode(item.get("html_encoding") or "utf-8", errors="replace")
    text = trafilatura.extract(html, include_comments=False) or ""
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_text(text, encoding="utf-8")
    return text


def quirk_repairs(text: str, width: int = 30) -> list[tuple[str, str, str]]:
    """(rule, before, after) of each quirk repair clean() makes in text, with context.

    The repairs are made again, paragraph by paragraph, on the text as
    clean() leaves it before that stage, so that each can be shown in place.
    """
    from cleancorp.quirks import repair_paragraph_quirks, rules_for

    unrepaired = cleancorp.clean(text, cleancorp.CleanConfig(repair_quirks=False))
    if unrepaired.language == "und":
        return []
    quote_rules, false_friends = rules_for(cleancorp.CleanConfig().rules, unrepaired.language)
    shown = []
    for paragraph in cleancorp.split_paragraphs(unrepaired.text):
        edits: list[cleancorp.Edit] = []
        repair_paragraph_quirks(0, paragraph, edits, quote_rules, false_friends)
        shift = 0
        for edit in edits:
            start = edit.start - shift  # the edits' offsets count those made before them
            left = paragraph[max(0, start - width) : start]
            right = paragraph[start + len(edit.before) : start + len(edit.before) + width]
            shown.append((edit.rule, left + edit.before + right, left + edit.after + right))
            shift += len(edit.after) - len(edit.before)
    return shown


def time_boilerplate_and_ftfy(texts: list[str], repeats: int = 5) -> tuple[float, float]:
    """Seconds for the boilerplate stage alone and for ftfy.fix_text on the same texts.

    Each is timed ``repeats`` times, alternating, and the fastest run of each
    kept: on a shared machine the minimum is the least noisy estimate.
    """
    import ftfy

    from cleancorp.boilerplate import remove_paragraphs

    rules = cleancorp.CleanConfig().rules.boilerplate
    paragraphs = [list(cleancorp.split_paragraphs(text)) for text in texts]
    stage = fix_text = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for document in paragraphs:
            remove_paragraphs(list(document), rules, [])
        stage = min(stage, time.perf_counter() - start)
        start = time.perf_counter()
        for text in texts:
            ftfy.fix_text(text)
        fix_text = min(fix_text, time.perf_counter() - start)
    return stage, fix_text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--show", type=int, default=40, help="false positives to list")
    args = parser.parse_args(argv)
    manifest = [json.loads(line) for line in (args.data / "manifest.jsonl").open(encoding="utf-8")]
    cache = HERE / "out" / "trafilatura"

    harm_drops: list[tuple[str, str, str]] = []
    harm_fixes: list[tuple[str, str, str, str]] = []
    opt_in = cleancorp.CleanConfig(enabled_rules={"about-section"})
    scores: dict[str, list[tuple[float | None, float]]] = {
        "trafilatura": [],
        "trafilatura+cleancorp": [],
        "  (about-section on)": [],
    }
    removed_after_extraction: list[tuple[str, str, str, bool]] = []
    seconds = 0.0
    tokens_in = tokens_kept = 0
    for item in manifest:
        gold = (args.data / item["gold_path"]).read_text(encoding="utf-8")
        result = cleancorp.clean(gold)
        gold_tokens = tokens(gold)
        tokens_in += sum(gold_tokens.values())
        tokens_kept += sum((tokens(result.text) & gold_tokens).values())
        harm_drops += [
            (item["id"], e.category, e.before) for e in result.removals if e.stage == "boilerplate"
        ]
        shown = quirk_repairs(gold)
        made = [e for e in result.edits if e.stage == "quirks"]
        # the display repeats the stage without per-paragraph languages: trust the result
        harm_fixes += (
            [(item["id"], *fix) for fix in shown]
            if len(shown) == len(made)
            else [(item["id"], e.rule, e.before, e.after) for e in made]
        )
        extracted = extract(args.data, item, cache)
        start = time.perf_counter()
        cleaned = cleancorp.clean(extracted)
        seconds += time.perf_counter() - start
        gold_lines = {" ".join(line.split()) for line in gold.splitlines()}
        removed_after_extraction += [
            (
                item["id"],
                e.category,
                e.before,
                BULLET_RE.sub("", e.before) in gold_lines or e.before in gold_lines,
            )
            for e in cleaned.removals
        ]
        scores["trafilatura"].append(prf(extracted, gold))
        scores["trafilatura+cleancorp"].append(prf(cleaned.text, gold))
        scores["  (about-section on)"].append(prf(cleancorp.clean(extracted, opt_in).text, gold))

    gold_paragraphs = sum(
        len(cleancorp.split_paragraphs((args.data / i["gold_path"]).read_text(encoding="utf-8")))
        for i in manifest
    )
    print(f"do no harm: {len(manifest)} gold bodies, {gold_paragraphs} paragraphs")
    print(f"  gold tokens kept: {tokens_kept / tokens_in:.4f}")
    print(f"  paragraphs dropped: {len(harm_drops)}  quirk repairs: {len(harm_fixes)}")
    print(f"  dropped by category: {dict(Counter(c for _, c, _ in harm_drops).most_common())}")
    for doc, category, text in harm_drops[: args.show]:
        print(f"  DROP {doc} {category}: {text[:110]!r}")
    for doc, rule, before, after in harm_fixes[: args.show]:
        print(f"  FIX  {doc} {rule}: {before!r} -> {after!r}")
    print(f"  quirk repairs by rule: {dict(Counter(rule for _, rule, _, _ in harm_fixes).most_common())}")
    print()
    print("after trafilatura (macro over documents):")
    for system, rows in scores.items():
        precisions = [p for p, _ in rows if p is not None]
        p = sum(precisions) / len(precisions)
        r = sum(r for _, r in rows) / len(rows)
        print(f"  {system:24s} P={p:.4f} R={r:.4f} F1={2 * p * r / (p + r):.4f}")
    wrong = [row for row in removed_after_extraction if row[3]]
    print(
        f"  paragraphs removed after trafilatura: {len(removed_after_extraction)}, "
        f"of which lines of the gold body: {len(wrong)}"
    )
    print(f"  by category: {dict(Counter(c for _, c, _, _ in removed_after_extraction).most_common())}")
    for doc, category, text, _ in wrong[: args.show]:
        print(f"  GOLD-LINE {doc} {category}: {text[:110]!r}")
    megabytes = sum(len(extract(args.data, i, cache).encode("utf-8")) for i in manifest) / 1e6
    print(f"  clean() on extracted text: {megabytes:.2f} MB in {seconds:.2f} s")
    print()
    golds = [(args.data / i["gold_path"]).read_text(encoding="utf-8") for i in manifest]
    stage, fix_text = time_boilerplate_and_ftfy(golds)
    print("speed on the gold bodies (same text, fastest of 5 alternating runs each):")
    print(f"  boilerplate stage {stage:.3f} s, ftfy.fix_text {fix_text:.3f} s, ratio {stage / fix_text:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

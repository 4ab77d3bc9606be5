"""Coverage-guided fuzzing of cleancorp with atheris (libFuzzer).

A short run, as the test suite does it::

    python tests/fuzz/fuzz_clean.py -runs=2000 -seed=1 -max_len=4096 /tmp/new-inputs tests/fuzz/corpus

(libFuzzer adds the inputs it finds to the first folder: keep it out of the
repository.) A long run, one process, new inputs kept in a scratch corpus and
findings written as ``crash-<sha1>`` files (see ``bench/run_fuzz.py``)::

    mkdir -p /tmp/fuzzcorpus /tmp/fuzzout
    python tests/fuzz/fuzz_clean.py -max_total_time=1800 -max_len=4096 -seed=1 \\
        -artifact_prefix=/tmp/fuzzout/ /tmp/fuzzcorpus tests/fuzz/corpus

What is checked for each input is in ``checks.py`` (importable without
atheris); a finding, once fixed, is saved under ``tests/fuzz/crashes/`` and
replayed by ``tests/test_fuzz.py``. Replay one file by hand with
``python tests/fuzz/fuzz_clean.py crash-...``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

KNOWN_VARIABLE = "CLEANCORP_FUZZ_KNOWN"
"""Findings (``checks.finding_id``) that a long run goes on past, separated by ``;``:
each is reported once on stderr with its input and counted, never hidden."""


def TestOneInput(data: bytes) -> None:  # noqa: N802 - the name atheris looks for
    """Check one fuzz input (raises on a finding that is not known)."""
    from checks import check_input, finding_id  # type: ignore[import-not-found,unused-ignore]

    try:
        check_input(data)
    except Exception as error:
        name = finding_id(error)
        if name not in _KNOWN:
            raise
        _KNOWN[name] += 1
        count = _KNOWN[name]
        if count == 1:
            print(f"known finding: {name}: input {data!r}", file=sys.stderr, flush=True)
        if str(count).strip("0") == "1":  # 1, 10, 100, ... inputs
            print(f"known finding: {name}: {count} inputs", file=sys.stderr, flush=True)


_KNOWN: dict[str, int] = {
    name.strip(): 0 for name in os.environ.get(KNOWN_VARIABLE, "").split(";") if name.strip()
}


def main() -> None:
    import atheris  # type: ignore[import-untyped,import-not-found,unused-ignore]

    sys.path.insert(0, str(Path(__file__).parent))
    with atheris.instrument_imports(include=["cleancorp"]):
        # cleancorp and the modules the checks use, instrumented for coverage
        import checks  # type: ignore[import-not-found,unused-ignore]  # noqa: F401

    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

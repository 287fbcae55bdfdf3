"""Fuzzing benchmark (issue 15): the schemathesis run of tests/fuzz with many more examples.

    .venv/bin/python bench/fuzz.py                     # about 10,000 generated requests
    .venv/bin/python bench/fuzz.py --examples 40       # the suite's size (about 1,000)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/fuzz.py

It runs ``tests/fuzz/test_openapi.py`` under pytest (pytest-django makes the test database and the
fixtures: published stories, partner centers with real tokens, a push source with its secret) with
``FUZZ_EXAMPLES`` set: each operation of the content API, the partner pull API and the wire push
gets that many generated cases per generation mode (positive and negative; the partner API and the
push twice as many). Every request goes through the production WSGI handler in-process.

The last line is key=value figures: requests, server_errors, check_failures and per API.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Cases per operation and mode; the test's documents hold 25 such "slots" (see test_openapi.py).
DEFAULT_EXAMPLES = 400


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=DEFAULT_EXAMPLES)
    args = parser.parse_args()
    env = {**os.environ, "FUZZ_EXAMPLES": str(args.examples)}
    started = time.perf_counter()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/fuzz/test_openapi.py",
            "-q",
            "-s",
            "-p",
            "no:logging",
            "--tb=short",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    figures = [line for line in run.stdout.splitlines() if line.startswith("requests=")]
    if not figures:
        print(run.stdout[-5000:], run.stderr[-3000:], sep="\n")
        print(f"requests=0 failed=1 pytest_exit={run.returncode}")
        return 1
    if run.returncode:
        print("\n".join(re.findall(r"^E .*$", run.stdout, re.MULTILINE)[:20]))
    line = re.sub(r" statuses=\{.*\}", "", figures[-1])
    statuses = re.search(r"statuses=(\{.*\})", figures[-1])
    if statuses:
        print(f"statuses: {statuses.group(1)}")
    print(f"{line} examples={args.examples} wall_s={seconds:.0f} passed={int(run.returncode == 0)}")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())

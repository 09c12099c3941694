"""What every Python twin of a lesson shares: the time scale, the clock,
the printed lines, and the one JSON line of measurements at the end.

A twin is the notebook's cell for one lesson, written again for this
course so that the benchmark (`make bench`) can run it beside the Rust
lesson at the same time scale. It prints the cell's lines as the notebook
does, then, as its last line on stdout, one JSON object:

    {"lesson": "lesson-01-threads", "time_scale": 1.0, "elapsed_ms": ...,
     "ideal_ms": ..., "sequential_ms": ..., "lines": [...]}

`elapsed_ms` is measured from the start of the cell's own code (after the
imports and argument parsing, as the Rust kit starts its clock after its
setup) to its end. `ideal_ms` and `sequential_ms` come from the cell's own
plan of sleeps, as in the Rust lesson. Only the standard library is used.
"""

import argparse
import json
import os
import sys
import threading
import time

_lines = []
_lock = threading.Lock()


def options(description, extra=None):
    """Parses `--time-scale` (default: LESSON_TIME_SCALE, else 1.0) and any
    options the twin adds through `extra(parser)`."""
    parser = argparse.ArgumentParser(description=description)
    default = float(os.environ.get("LESSON_TIME_SCALE", "1.0"))
    parser.add_argument("--time-scale", type=float, default=default,
                        help="multiply every sleep by this (default 1.0)")
    if extra is not None:
        extra(parser)
    args = parser.parse_args()
    if not args.time_scale >= 0:
        parser.error("--time-scale must be 0 or more")
    return args


def say(line):
    """Prints a line of the cell's output and keeps it for the report. A
    lock, so that two threads never interleave within one line."""
    with _lock:
        _lines.append(line)
        print(line, flush=True)


def keep(line):
    """Keeps a line printed by another process (it reached us by a queue)."""
    with _lock:
        _lines.append(line)


def report(lesson, scale, started, ideal_s, sequential_s, **extra):
    """Prints the JSON line: the elapsed time since `started` (a
    `time.perf_counter()` value) and the plan's times scaled, in ms."""
    elapsed = time.perf_counter() - started
    ms = lambda seconds: None if seconds is None else seconds * scale * 1e3
    doc = {
        "lesson": lesson,
        "time_scale": scale,
        "elapsed_ms": elapsed * 1e3,
        "ideal_ms": ms(ideal_s),
        "sequential_ms": ms(sequential_s),
        "lines": _lines,
        "python": sys.version.split()[0],
    }
    doc.update(extra)
    print(json.dumps(doc), flush=True)

"""Lesson 08's twin for the benchmark: the CPU job (the primes below a
bound by trial division, in 8 chunks) sequentially, on a thread pool and on
a warm process pool of `--workers` workers, each timed and its count checked
against the sequential one. Prints the counts, then one JSON line with each
way's time and speedup.

The job's code is the chapter's (08-rayon.py, beside this file), loaded
from there so that the chapter and the benchmark time the very same code.

Run it: `python3 docs/python/lesson_08_rayon.py --bound 1000000 --workers 2`
"""

import importlib.util
import json
import os
import pathlib
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import twin

CHUNKS = 8


def load_cell():
    path = pathlib.Path(__file__).with_name("08-rayon.py")
    spec = importlib.util.spec_from_file_location("rayon_cell", path)
    cell = importlib.util.module_from_spec(spec)
    # Registered, so that the process pool's workers find its functions.
    sys.modules["rayon_cell"] = cell
    spec.loader.exec_module(cell)
    return cell


def main():
    def extra(parser):
        parser.add_argument("--bound", type=int, default=1_000_000)
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)

    args = twin.options(__doc__, extra)
    if args.bound < 1 or args.workers < 1:
        sys.exit("lesson_08_rayon.py: --bound and --workers must be 1 or more")
    cell = load_cell()
    size = -(-args.bound // CHUNKS)
    chunks = [(i, min(i + size, args.bound)) for i in range(0, args.bound, size)]
    started = time.perf_counter()
    figures = {}

    def timed(name, run):
        began = time.perf_counter()
        primes = run()
        figures[name] = (time.perf_counter() - began) * 1e3
        twin.say(f"{name}: {primes} primes below {args.bound}")
        return primes

    answer = timed("sequential", lambda: sum(map(cell.count_primes, chunks)))
    with ThreadPoolExecutor(args.workers) as pool:
        counts = [timed("threads", lambda: sum(pool.map(cell.count_primes, chunks)))]
    with ProcessPoolExecutor(args.workers) as pool:
        # Warm: the workers are started before the clock.
        sum(pool.map(cell.count_primes, chunks))
        counts.append(timed("processes", lambda: sum(pool.map(cell.count_primes, chunks))))
    if any(count != answer for count in counts):
        sys.exit(f"lesson_08_rayon.py: the counts disagree: {answer} and {counts}")
    methods = [{"method": name, "ms": ms, "speedup": figures["sequential"] / ms}
               for name, ms in figures.items()]
    twin.report("lesson-08-rayon", args.time_scale, started, None, None,
                workers=args.workers, bound=args.bound, methods=methods)


if __name__ == "__main__":
    main()

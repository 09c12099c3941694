"""The Python side of the benchmark's micro-measurements, one round: what a
thread, a process and a pooled tiny task cost. Each figure is a batch of the
same operation timed as a whole, divided by its count, as the Rust side does.
Prints one JSON line (microseconds per start + join, tasks per second).

Run it: `python3 docs/python/micro.py --threads 2000 --processes 20 --tasks 10000`
"""

import argparse
import json
import multiprocessing
import os
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def nothing():
    pass


def tiny(n):
    return n + 1


def per_op_us(count, op):
    began = time.perf_counter()
    for _ in range(count):
        op()
    return (time.perf_counter() - began) * 1e6 / count


def thread_once():
    thread = threading.Thread(target=nothing)
    thread.start()
    thread.join()


def process_us(method, count):
    context = multiprocessing.get_context(method)

    def once():
        process = context.Process(target=nothing)
        process.start()
        process.join()

    # forkserver starts its server on first use: not a process's cost.
    once()
    return per_op_us(count, once)


def rate(tasks, run):
    began = time.perf_counter()
    done = run()
    assert done == tasks, f"{done} of {tasks} tasks"
    return tasks / (time.perf_counter() - began)


def pools(workers, tasks):
    figures = {}
    with ThreadPoolExecutor(max_workers=workers) as executor:
        # Warm: each worker started and has run a task.
        list(executor.map(tiny, range(workers)))
        figures["py-tpe-per-s"] = rate(tasks, lambda: sum(
            1 for f in [executor.submit(tiny, n) for n in range(tasks)] if f.result() is not None))
    with ProcessPoolExecutor(max_workers=workers) as executor:
        list(executor.map(tiny, range(workers)))
        figures["py-ppe-submit-per-s"] = rate(tasks, lambda: sum(
            1 for f in [executor.submit(tiny, n) for n in range(tasks)] if f.result() is not None))
        figures["py-ppe-map-per-s"] = rate(tasks, lambda: len(list(
            executor.map(tiny, range(tasks), chunksize=500))))
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, default=2000)
    parser.add_argument("--processes", type=int, default=20)
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if min(args.threads, args.processes, args.tasks, args.workers) < 1:
        parser.error("every count must be 1 or more")
    figures = {"py-thread-us": per_op_us(args.threads, thread_once)}
    for method in ("fork", "forkserver", "spawn"):
        figures[f"py-{method}-us"] = process_us(method, args.processes)
    figures.update(pools(args.workers, args.tasks))
    figures["python"] = sys.version.split()[0]
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()

"""Lesson 07's twin: 10 items on a `multiprocessing.Queue`, 4 worker
processes, 0.2 s of work per item, "Processed n" (3 rounds, 0.6 s).

The notebook's loop (`while not queue.empty(): queue.get()`) can hang or
lose items (see queue_empty_race.py); this twin ends each worker with a
sentinel instead, so that every run finishes and can be timed.

Run it: `python3 docs/python/lesson_07_queue.py --time-scale 0.1`
"""

import math
import multiprocessing
import time

import twin

ITEMS = 10
WORKERS = 4
WORK = 0.2


def worker(items, results, scale):
    while (item := items.get()) is not None:
        time.sleep(WORK * scale)
        results.put(f"Processed {item}")
    results.put(None)


def main():
    args = twin.options(__doc__)
    started = time.perf_counter()
    items, results = multiprocessing.Queue(), multiprocessing.Queue()
    for item in range(ITEMS):
        items.put(item)
    for _ in range(WORKERS):
        items.put(None)
    workers = [multiprocessing.Process(target=worker, args=(items, results, args.time_scale))
               for _ in range(WORKERS)]
    for process in workers:
        process.start()
    # The parent prints the results, as the Rust lesson's main thread does.
    running = WORKERS
    while running:
        line = results.get()
        if line is None:
            running -= 1
        else:
            twin.say(line)
    for process in workers:
        process.join()
    rounds = math.ceil(ITEMS / WORKERS)
    twin.report("lesson-07-queue", args.time_scale, started, rounds * WORK, ITEMS * WORK)


if __name__ == "__main__":
    main()

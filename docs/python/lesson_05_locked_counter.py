"""Lesson 05's twin: the notebook's `multiprocessing.Value` cell, 4
processes adding 1 to a shared counter 1000 times each under its lock. No
sleeps, so no ideal: the figure is the elapsed time and the final value.

Run it: `python3 docs/python/lesson_05_locked_counter.py`
"""

import multiprocessing
import time

import twin

PROCESSES = 4
INCREMENTS = 1000


def increment(shared):
    for _ in range(INCREMENTS):
        with shared.get_lock():
            shared.value += 1


def main():
    args = twin.options(__doc__)
    started = time.perf_counter()
    shared = multiprocessing.Value("i", 0)
    workers = [multiprocessing.Process(target=increment, args=(shared,))
               for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    twin.say(f"Final value: {shared.value}")
    twin.report("lesson-05-locked-counter", args.time_scale, started, None, None,
                final_value=shared.value)


if __name__ == "__main__":
    main()

"""Lesson 04's twin: a ProcessPoolExecutor of 3 processes squares 14
numbers, 2 s each, printed as they complete (5 rounds, 10 s). The pool's
start and shutdown are inside the measured time, as in the Rust lesson.

Run it: `python3 docs/python/lesson_04_processpool.py --time-scale 0.1`
"""

import math
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

import twin

NUMBERS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 2, 3, 12, 14]
PAUSE = 2.0
WORKERS = 3


def square_number(number, scale):
    time.sleep(PAUSE * scale)
    return f"Square: {number * number}"


def main():
    args = twin.options(__doc__)
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=WORKERS) as executor:
        futures = [executor.submit(square_number, n, args.time_scale) for n in NUMBERS]
        for future in as_completed(futures):
            twin.say(future.result())
    rounds = math.ceil(len(NUMBERS) / WORKERS)
    twin.report("lesson-04-processpool", args.time_scale, started,
                rounds * PAUSE, len(NUMBERS) * PAUSE)


if __name__ == "__main__":
    main()

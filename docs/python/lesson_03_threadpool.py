"""Lesson 03's twin: a ThreadPoolExecutor of 3 threads maps 13 numbers,
1 s each, and the results print in input order (5 rounds, 5 s).

Run it: `python3 docs/python/lesson_03_threadpool.py --time-scale 0.1`
"""

import math
import time
from concurrent.futures import ThreadPoolExecutor

import twin

NUMBERS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3]
PAUSE = 1.0
WORKERS = 3


def main():
    args = twin.options(__doc__)

    def task(number):
        time.sleep(PAUSE * args.time_scale)
        return f"Number :{number}"

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=WORKERS) as executor:
        for result in executor.map(task, NUMBERS):
            twin.say(result)
    rounds = math.ceil(len(NUMBERS) / WORKERS)
    twin.report("lesson-03-threadpool", args.time_scale, started,
                rounds * PAUSE, len(NUMBERS) * PAUSE)


if __name__ == "__main__":
    main()

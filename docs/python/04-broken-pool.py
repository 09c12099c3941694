"""Lesson 04's contrast: a task that kills its worker process breaks
Python's ProcessPoolExecutor for good. The notebook's cell (3 workers, its
14 numbers, results as they complete), with number 5 aborting its worker as
a segfault would; each future either gives its line or raises.

Run it: python3 docs/python/04-broken-pool.py
"""

import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

NUMBERS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 2, 3, 12, 14]


def square_number(number):
    if number == 5:
        os.abort()  # the worker dies, as on a segfault
    time.sleep(0.2)
    return f"Square: {number * number}"


if __name__ == "__main__":
    results = broken = 0
    with ProcessPoolExecutor(max_workers=3) as executor:
        futures = [executor.submit(square_number, n) for n in NUMBERS]
        for future in as_completed(futures):
            try:
                print(future.result())
                results += 1
            except BrokenProcessPool:
                broken += 1
    print(f"{results} results, {broken} futures raised BrokenProcessPool")

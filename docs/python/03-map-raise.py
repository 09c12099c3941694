"""Lesson 03's contrast: in Python, a task that raises ends executor.map at
its place, and the results after it are lost.

Run it: python3 docs/python/03-map-raise.py
"""

import time
from concurrent.futures import ThreadPoolExecutor


def print_number(number):
    time.sleep(0.05)
    if number == 5:
        raise ValueError("task 5 failed")
    return f"Number :{number}"


with ThreadPoolExecutor(max_workers=3) as executor:
    try:
        for line in executor.map(print_number, [1, 2, 3, 4, 5, 6, 7, 8, 9]):
            print(line)
    except ValueError as err:
        print("raised:", err)

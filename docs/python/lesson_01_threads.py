"""Lesson 01's twin: the same two functions, each on its own thread (10 s).

Run it: `python3 docs/python/lesson_01_threads.py --time-scale 0.1`
"""

import threading
import time

import twin
from lesson_00_sequential import PAUSE, print_letters, print_numbers


def main():
    args = twin.options(__doc__)
    started = time.perf_counter()
    numbers = threading.Thread(target=print_numbers, args=(args.time_scale,))
    letters = threading.Thread(target=print_letters, args=(args.time_scale,))
    numbers.start()
    letters.start()
    numbers.join()
    letters.join()
    # The letters' thread is the busier: 5 pauses.
    twin.report("lesson-01-threads", args.time_scale, started, 5 * PAUSE, 9 * PAUSE)


if __name__ == "__main__":
    main()

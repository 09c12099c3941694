"""Lesson 00's twin: the two functions, one after the other (18 s).

Run it: `python3 docs/python/lesson_00_sequential.py --time-scale 0.1`
"""

import time

import twin

PAUSE = 2.0


def print_numbers(scale):
    for i in range(4):
        time.sleep(PAUSE * scale)
        twin.say(f"Number : {i}")


def print_letters(scale):
    for letter in "abcde":
        time.sleep(PAUSE * scale)
        twin.say(f"letter : {letter}")


def main():
    args = twin.options(__doc__)
    started = time.perf_counter()
    print_numbers(args.time_scale)
    print_letters(args.time_scale)
    # One worker does every sleep: the ideal is the sequential time.
    twin.report("lesson-00-sequential", args.time_scale, started, 9 * PAUSE, 9 * PAUSE)


if __name__ == "__main__":
    main()

"""Lesson 05's CPython contrast: a counter updated with an unlocked read,
then a write, by threads and by processes; and the notebook's locked
version for comparison. Each line: final, expected, lost.

Run it: python3 docs/python/05-locked-counter.py [INCREMENTS] [RUNS]
(defaults 100000 and 5: 4 workers x 100000, five runs of each).
"""

import multiprocessing
import sys
import threading

WORKERS = 4


class Box:
    """A counter the threads share (any object attribute would do)."""

    value = 0


def racy_thread(box, increments, start):
    start.wait()  # all threads begin together, as the Rust lesson's Barrier
    for _ in range(increments):
        seen = box.value
        box.value = seen + 1  # another thread may have written in between


def threads_unlocked(increments):
    box = Box()
    start = threading.Barrier(WORKERS)
    threads = [
        threading.Thread(target=racy_thread, args=(box, increments, start))
        for _ in range(WORKERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return box.value


def racy_process(shared, increments, start):
    start.wait()
    for _ in range(increments):
        shared.value += 1  # a locked read, then a locked write: two steps


def locked_process(shared, increments, start):
    start.wait()
    for _ in range(increments):
        with shared.get_lock():  # the notebook's way: one lock around both
            shared.value += 1


def processes(target, increments):
    shared = multiprocessing.Value("i", 0)
    start = multiprocessing.Barrier(WORKERS)
    workers = [
        multiprocessing.Process(target=target, args=(shared, increments, start))
        for _ in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return shared.value


def show(name, value, expected):
    lost = expected - value
    print(f"{name:<28} final {value:>8}  expected {expected}  lost {lost:>7}"
          f" ({100 * lost / expected:.0f} %)")


def main():
    increments = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    expected = WORKERS * increments
    print(f"CPython {sys.version.split()[0]}, {WORKERS} workers x {increments}")
    for _ in range(runs):
        show("threads, unlocked", threads_unlocked(increments), expected)
    for _ in range(runs):
        show("processes, Value unlocked", processes(racy_process, increments), expected)
    show("processes, Value.get_lock()", processes(locked_process, increments), expected)


if __name__ == "__main__":
    main()

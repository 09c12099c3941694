"""The notebook's queue cell, run many times to count how often its
`while not queue.empty(): queue.get()` loop goes wrong.

The check (`empty()`) and the take (`get()`) are two steps, so two things
can happen between them:

- stuck: two workers both see the last item, both reach for it; one gets
  it, the other's `get()` waits for an item that will never come. In the
  notebook that worker blocks forever and `join()` hangs. Here `get` has a
  timeout, so the run can count it and go on.
- lost: `put()` hands items to a background thread that writes them into
  a pipe a little later. A worker that starts before they arrive sees an
  empty queue and stops at once; if every worker does, items are left over.

Run it: `python3.11 docs/python/queue_empty_race.py` (50 runs of the
notebook's cell: 10 items, 4 processes, no work per item). `--work 0.2`
gives each item the lesson's 0.2 s of work; `--runs N` sets the count.
"""

import argparse
import multiprocessing
import queue as queue_module
import sys
import time

ITEMS = 10
WORKERS = 4
# Far longer than an item takes to reach the pipe (microseconds): a get
# that waits this long would, without the timeout, wait forever.
STUCK_AFTER = 1.0


def worker(queue, processed, stuck, work):
    """The notebook's worker, with a timeout on `get` to see it stuck."""
    while not queue.empty():
        try:
            item = queue.get(timeout=STUCK_AFTER)
        except queue_module.Empty:
            with stuck.get_lock():
                stuck.value += 1
            return
        time.sleep(work)
        with processed.get_lock():
            processed[item] += 1


def one_run(work):
    """One run of the cell; returns (workers stuck, items never processed)."""
    queue = multiprocessing.Queue()
    for item in range(ITEMS):
        queue.put(item)
    processed = multiprocessing.Array("i", ITEMS)
    stuck = multiprocessing.Value("i", 0)
    processes = [
        multiprocessing.Process(target=worker, args=(queue, processed, stuck, work))
        for _ in range(WORKERS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    twice = sum(1 for count in processed if count > 1)
    assert twice == 0, "an item was processed twice"
    lost = sum(1 for count in processed if count == 0)
    # Drain what the workers left, so the queue's thread can end.
    while lost and not queue.empty():
        queue.get()
    return stuck.value, lost


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--work", type=float, default=0.0, help="seconds per item")
    args = parser.parse_args()
    stuck_runs = lost_runs = lost_items = 0
    for _ in range(args.runs):
        stuck, lost = one_run(args.work)
        stuck_runs += stuck > 0
        lost_runs += lost > 0
        lost_items += lost
    print(
        f"Python {sys.version.split()[0]}, start method "
        f"{multiprocessing.get_start_method()}, {args.runs} runs, "
        f"{ITEMS} items, {WORKERS} workers, {args.work} s per item"
    )
    print(f"runs with a worker stuck on get(): {stuck_runs}")
    print(f"runs that lost items: {lost_runs} ({lost_items} items in all)")


if __name__ == "__main__":
    main()

"""The Python side of the benchmark's bounded-queue row: one producer
thread puts N numbers on a `queue.Queue(maxsize=C)`, the main thread takes
them; the rate is items per second from the first put to the last get. A
small run first warms the interpreter up. Prints one JSON line.

Run it: `python3 docs/python/queue_rate.py --items 100000 --capacity 100`
"""

import argparse
import json
import queue
import sys
import threading
import time


def rate(items, capacity):
    channel = queue.Queue(maxsize=capacity)

    def produce():
        for n in range(items):
            channel.put(n)

    began = time.perf_counter()
    producer = threading.Thread(target=produce)
    producer.start()
    total = 0
    for _ in range(items):
        total += channel.get()
    producer.join()
    took = time.perf_counter() - began
    if total != items * (items - 1) // 2:
        sys.exit(f"queue_rate.py: the items came out wrong (sum {total})")
    return items / took


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--capacity", type=int, default=100)
    args = parser.parse_args()
    rate(min(args.items, 1000), args.capacity)
    per_s = rate(args.items, args.capacity)
    print(json.dumps({"py-queue-per-s": per_s, "items": args.items,
                      "capacity": args.capacity, "python": sys.version.split()[0]}))


if __name__ == "__main__":
    main()

"""Lesson 10's twin: threads that wait for each other, in Python.

- The dining philosophers with `threading.Lock` forks: left, then right,
  deadlock; the right fork is asked for with a timeout, so that the
  deadlock is seen and the cell still ends. Then the lowest fork first.
- A bounded queue built by hand from `threading.Condition`, then
  `queue.Queue(maxsize=4)`, which is built the same way.
- Backpressure: `queue.Queue()` against `queue.Queue(maxsize=4)`.
- What Python has no counterpart for: a read-write lock in the standard
  library; memory orderings (the GIL puts every bytecode in one order).
- Once and per-thread: `functools.cache` and `threading.local`.

Run it: `python3 docs/python/lesson_10_sync.py --time-scale 0.1`
"""

import functools
import queue
import threading
import time

import twin

PHILOSOPHERS = 5
MEALS = 2
EAT = 0.1
PATIENCE = 0.5

PRODUCERS, EACH, CONSUMERS, CAPACITY = 2, 12, 2, 4
MAKE, WORK = 0.01, 0.03

ITEMS, ITEM_BYTES, FAST, SLOW, BOUND = 60, 64 * 1024, 0.002, 0.01, 4


def dinner(scale, lowest_first):
    """Five philosophers, two meals each, and a watchdog: returns the cycle
    if it saw one after PATIENCE without a meal, else None."""
    forks = [threading.Lock() for _ in range(PHILOSOPHERS)]
    holder = [None] * PHILOSOPHERS
    waits = {}
    meals = []
    give_up = threading.Event()
    # The worst timing, every run: all hold a first fork before any reaches
    # for a second. (With the lowest fork first, philosopher 5 would block
    # on fork 1 before reaching this barrier: that dinner goes without it.)
    together = threading.Barrier(PHILOSOPHERS)

    def dine(me):
        left, right = me, (me + 1) % PHILOSOPHERS
        first, second = (min(left, right), max(left, right)) if lowest_first else (left, right)
        for meal in range(MEALS):
            with forks[first]:
                holder[first] = me
                if not lowest_first and meal == 0:
                    together.wait()
                waits[me] = second
                # A Lock cannot be interrupted: wait in short slices, so
                # that the watchdog can tell a deadlocked philosopher to stop.
                while not forks[second].acquire(timeout=0.01 * scale):
                    if give_up.is_set():
                        return
                del waits[me]
                holder[second] = me
                time.sleep(EAT * scale)
                meals.append(me)
                holder[second] = None
                forks[second].release()
                holder[first] = None

    def cycle():
        for start in waits:
            path = [start]
            while path[-1] in waits and holder[waits[path[-1]]] is not None:
                nxt = holder[waits[path[-1]]]
                if nxt in path:
                    ring = path[path.index(nxt):]
                    return sorted((me, me if not lowest_first else None, waits[me],
                                   holder[waits[me]]) for me in ring)
                path.append(nxt)
        return None

    threads = [threading.Thread(target=dine, args=(me,)) for me in range(PHILOSOPHERS)]
    for thread in threads:
        thread.start()
    found, eaten, last_meal = None, 0, time.perf_counter()
    while any(thread.is_alive() for thread in threads):
        time.sleep(PATIENCE * scale / 10)
        if len(meals) > eaten:
            eaten, last_meal = len(meals), time.perf_counter()
        elif time.perf_counter() - last_meal >= PATIENCE * scale:
            found = cycle()
            if found:
                give_up.set()
                break
    for thread in threads:
        thread.join()
    return found


class BoundedQueue:
    """`put` waits while full, `get` while empty, `close` wakes everyone."""

    def __init__(self, capacity):
        self.items, self.capacity, self.closed = [], capacity, False
        self.changed = threading.Condition()

    def put(self, item):
        with self.changed:
            while len(self.items) == self.capacity and not self.closed:
                self.changed.wait()
            if self.closed:
                return False
            self.items.append(item)
            # One Condition for both kinds of waiter: notify_one could wake
            # a producer when a consumer should go on, so wake them all.
            self.changed.notify_all()
            return True

    def get(self):
        with self.changed:
            while not self.items and not self.closed:
                self.changed.wait()
            if not self.items:
                return None
            self.changed.notify_all()
            return self.items.pop(0)

    def close(self):
        with self.changed:
            self.closed = True
            self.changed.notify_all()


def traffic(scale, put, get, close):
    """PRODUCERS put EACH items, CONSUMERS take them; returns what each
    consumer took, in order."""
    taken = [[] for _ in range(CONSUMERS)]

    def produce(p):
        for n in range(EACH):
            time.sleep(MAKE * scale)
            put((p, n))

    def consume(c):
        while (item := get()) is not None:
            taken[c].append(item)
            time.sleep(WORK * scale)

    consumers = [threading.Thread(target=consume, args=(c,)) for c in range(CONSUMERS)]
    producers = [threading.Thread(target=produce, args=(p,)) for p in range(PRODUCERS)]
    for thread in consumers + producers:
        thread.start()
    for thread in producers:
        thread.join()
    close()
    for thread in consumers:
        thread.join()
    return taken


def delivered_once_in_order(taken):
    in_order = all(
        [n for p, n in took if p == producer] == sorted(n for p, n in took if p == producer)
        for took in taken for producer in range(PRODUCERS))
    every = sorted(item for took in taken for item in took)
    return in_order and every == [(p, n) for p in range(PRODUCERS) for n in range(EACH)]


def backpressure(scale, channel):
    """A fast producer, a slow consumer; returns the most items queued."""
    peak = 0

    def produce():
        nonlocal peak
        for n in range(ITEMS):
            time.sleep(FAST * scale)
            channel.put(bytes([n % 256]) * ITEM_BYTES)
            peak = max(peak, channel.qsize())
        channel.put(None)

    producer = threading.Thread(target=produce)
    producer.start()
    while channel.get() is not None:
        time.sleep(SLOW * scale)
    producer.join()
    return peak


@functools.cache
def settings():
    """Loaded on the first call; later calls get the cached object. But no
    lock is held while it loads: threads that call at once may each load
    (functools' documentation says so), which Rust's LazyLock never does."""
    loads.append(threading.get_ident())
    time.sleep(0.1 * twin_scale)
    return {"greeting": "hello"}


twin_scale = 1.0
loads = []
per_thread = threading.local()


def main():
    global twin_scale
    args = twin.options(__doc__)
    scale = twin_scale = args.time_scale
    started = time.perf_counter()

    twin.say(f"deadlock: {PHILOSOPHERS} philosophers, {PHILOSOPHERS} forks; each eats {MEALS} meals")
    cycle = dinner(scale, lowest_first=False)
    for me, holds, waits_for, held_by in cycle or []:
        twin.say(f"deadlock: philosopher {me + 1} holds fork {holds + 1} and waits for "
                 f"fork {waits_for + 1}, which philosopher {held_by + 1} holds")
    twin.say("deadlock: the watchdog saw the cycle and told the philosophers, who wait "
             "with acquire(timeout=...), to give up" if cycle else "deadlock: none this time")
    if dinner(scale, lowest_first=True) is None:
        twin.say(f"lowest fork first: every philosopher ate {MEALS} meals")

    hand_built = BoundedQueue(CAPACITY)
    taken = traffic(scale, hand_built.put, hand_built.get, hand_built.close)
    if delivered_once_in_order(taken):
        twin.say(f"Condition: {PRODUCERS * EACH} items taken, each once, in order from each producer")
    library = queue.Queue(maxsize=CAPACITY)
    taken = traffic(scale, library.put, library.get,
                    lambda: [library.put(None) for _ in range(CONSUMERS)])
    if delivered_once_in_order(taken):
        twin.say(f"queue.Queue({CAPACITY}): {PRODUCERS * EACH} items taken, each once, "
                 "in order from each producer")

    unbounded = backpressure(scale, queue.Queue())
    bounded = backpressure(scale, queue.Queue(maxsize=BOUND))
    twin.say(f"backpressure: queue.Queue(): peak {unbounded} items; "
             f"queue.Queue(maxsize={BOUND}): peak {bounded}")

    twin.say("rwlock: the standard library has none (threading.Lock is the Mutex)")
    twin.say("ordering: none to choose: with the GIL one thread runs at a time, and every "
             "switch goes through the GIL's lock, which puts all memory in one order")

    got = []

    def ask(n):
        per_thread.calls = 0
        got.append(settings())
        for _ in range(n):
            per_thread.calls += 1
        got.append(per_thread.calls)

    askers = [threading.Thread(target=ask, args=(n,)) for n in range(1, 5)]
    for thread in askers:
        thread.start()
    for thread in askers:
        thread.join()
    counts = sorted(c for c in got if isinstance(c, int))
    twin.say(f"functools.cache: 4 threads asked at once; the settings were loaded {len(loads)} times")
    twin.say(f"threading.local: each thread counted only its own calls: {counts}")
    twin.report("lesson-10-sync", scale, started, None, None)


if __name__ == "__main__":
    main()

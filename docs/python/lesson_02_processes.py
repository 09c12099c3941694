"""Lesson 02's twin: squares (1 s each) and cubes (1.5 s each) in two
processes, with the lesson's lines: each process's PID and its own copy of
a counter (7.5 s).

Run it: `python3 docs/python/lesson_02_processes.py --time-scale 0.1`
`--start-method spawn` (or forkserver) starts the children the other ways.
"""

import multiprocessing
import os
import time

import twin

COUNTER = 0


def work(name, pause, power, scale, lines):
    global COUNTER
    lines.put(f"{name}: pid {os.getpid()}, parent pid {os.getppid()}")
    label = "Square" if power == 2 else "Cube"
    for i in range(5):
        time.sleep(pause * scale)
        lines.put(f"{label}: {i ** power}")
        COUNTER += i ** power
    lines.put(f"{name}: my counter is now {COUNTER}")
    lines.put(None)


def main():
    args = twin.options(__doc__, lambda p: p.add_argument(
        "--start-method", default="fork", choices=["fork", "forkserver", "spawn"]))
    context = multiprocessing.get_context(args.start_method)
    started = time.perf_counter()
    twin.say(f"parent: pid {os.getpid()}, parent pid {os.getppid()}, counter = {COUNTER}")
    # The children send their lines to the parent, which prints them, as
    # the Rust kit relays its children's lines.
    lines = context.Queue()
    children = [
        context.Process(target=work, args=("squares", 1.0, 2, args.time_scale, lines)),
        context.Process(target=work, args=("cubes", 1.5, 3, args.time_scale, lines)),
    ]
    for child in children:
        child.start()
    running = len(children)
    while running:
        line = lines.get()
        if line is None:
            running -= 1
        else:
            twin.say(line)
    for child in children:
        child.join()
    twin.say(f"parent: counter is still {COUNTER}")
    twin.report("lesson-02-processes", args.time_scale, started, 5 * 1.5, 5 * 1.0 + 5 * 1.5)


if __name__ == "__main__":
    main()

"""Lesson 11's twin: what a Python process can see of itself through /proc,
beside the Rust lesson. Python gives no address of a function's machine code,
a static or a local; what it gives is `id()`, which in CPython is the address
of the object a value is (a documented promise only that it is unique while
the object lives). The twin finds those addresses in /proc/self/maps, reads
its own status, holds threads and children in their states, shows a forked
child and a spawned one with a global, and times starting a process from a
small parent and from a big one, in every way Python has.

Run it: `python3 docs/python/lesson_11_anatomy.py` (all parts), or
`--part spawn --parent-mib 256 --rounds 5` (what the benchmark runs).
"""

import ctypes
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time

import twin

PARTS = ["parts", "pcb", "states", "isolation", "spawn"]
PAGE = 4096
NUMBER = [7]
LOOK_FOR = 2.0
LOOKS = 200

# Run by another Python process: reads a thread's state LOOKS times, 1 ms
# apart, and prints how often it was R and how often S.
SAMPLER = """
import sys, time
path, looks, seen = sys.argv[1], int(sys.argv[2]), {"R": 0, "S": 0}
for _ in range(looks):
    with open(path) as stat:
        letter = stat.read().rsplit(")", 1)[1].split()[0]
    seen[letter] = seen.get(letter, 0) + 1
    time.sleep(0.001)
print(seen["R"], seen["S"])
"""


def show(rows):
    """Prints rows as an indented table, each column as wide as its widest cell."""
    widths = [max(len(str(row[c])) for row in rows) for c in range(len(rows[0]))]
    for row in rows:
        cells = [str(cell).ljust(width) for cell, width in zip(row, widths)]
        print("  " + "  ".join(cells).rstrip(), flush=True)


def regions(pid="self"):
    """Each region of /proc/PID/maps: (start, end, perms, path)."""
    found = []
    with open(f"/proc/{pid}/maps") as maps:
        for line in maps:
            fields = line.split(maxsplit=5)
            start, end = (int(n, 16) for n in fields[0].split("-"))
            path = fields[5].strip() if len(fields) > 5 else ""
            found.append((start, end, fields[1], path))
    return found


def region_of(address, found):
    for start, end, perms, path in found:
        if start <= address < end:
            return perms, os.path.basename(path) if path.startswith("/") else (path or "(anonymous)")
    return "?", "in no region"


def nothing():
    pass


def parts():
    twin.say("parts: what id() gives for eight things, found in /proc/self/maps")
    local = [11]
    from_thread = []
    thread = threading.Thread(target=lambda: from_thread.append([11]))
    thread.start()
    thread.join()
    # The address of one of the interpreter's own C functions: its machine code.
    c_code = ctypes.cast(ctypes.pythonapi.Py_IsInitialized, ctypes.c_void_p).value
    things = [
        ("the interpreter's code (a C function)", c_code),
        ("a function (its object)", id(parts)),
        ("its bytecode (an object too)", id(parts.__code__.co_code)),
        ("a global, NUMBER", id(NUMBER)),
        ("the small int 7", id(7)),
        ("a string literal", id("a string literal")),
        ("a local of main", id(local)),
        ("a list made by a thread", id(from_thread[0])),
    ]
    found = regions()
    rows = [("what", "address", "perms", "backed by")]
    facts = []
    for what, address in things:
        perms, backing = region_of(address, found)
        rows.append((what, hex(address), perms, backing))
        facts.append({"what": what, "address": address, "perms": perms, "backing": backing})
    show(rows)
    twin.say("parts: each id() is the address of an object: data, on a heap or among the interpreter's own (the small int)")
    twin.say("parts: only the interpreter's C code is executable: a Python function is an object its loop reads")
    return facts


def pcb():
    twin.say("pcb: this Python process's record, from /proc/self/status and beside it")
    with open("/proc/self/status") as status:
        fields = dict(line.rstrip("\n").split(":", 1) for line in status if ":" in line)
    names = ["Pid", "PPid", "State", "Threads", "VmRSS", "VmStk",
             "voluntary_ctxt_switches", "nonvoluntary_ctxt_switches"]
    rows = [("field", "value")] + [(name, " ".join(fields[name].split())) for name in names]
    fds = sorted(int(fd) for fd in os.listdir("/proc/self/fd"))
    for fd in fds:
        try:
            rows.append((f"fd/{fd}", os.readlink(f"/proc/self/fd/{fd}")))
        except OSError:
            pass  # the listing's own descriptor, closed by now
    show(rows)
    twin.say("pcb: the same record as the Rust lesson's: the kernel keeps one per task, whatever the language")
    return {name: " ".join(fields[name].split()) for name in names}


def look(directory, expected):
    """The state letter of /proc/.../stat, read until it is `expected` or
    LOOK_FOR seconds have passed, and where in the kernel it waits."""
    deadline = time.monotonic() + LOOK_FOR
    while True:
        try:
            with open(f"{directory}/stat") as stat:
                state = stat.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            state = "?"
        if state == expected or time.monotonic() >= deadline:
            try:
                with open(f"{directory}/wchan") as wchan:
                    where = wchan.read().strip()
            except OSError:
                where = ""
            return state, "-" if where in ("", "0") else where
        time.sleep(0.001)


def looked_at(path, main_computes):
    """How often the thread whose stat file is `path` was R and how often S,
    seen from another process: a look from this one would let go of the GIL
    for its read, and so wake the very thread it looks at. Meanwhile main
    waits, or computes in Python too."""
    sampler = subprocess.Popen([sys.executable, "-c", SAMPLER, path, str(LOOKS)],
                               stdout=subprocess.PIPE, text=True)
    while main_computes and sampler.poll() is None:
        busy_until = time.perf_counter() + 0.05
        while time.perf_counter() < busy_until:
            pass
    out, _ = sampler.communicate()
    return tuple(int(n) for n in out.split())


def states():
    twin.say("states: four threads and two forked children, each held in a state while /proc is read")
    done = threading.Event()
    lock = threading.Lock()
    lock.acquire()
    reader, writer = os.pipe()
    ids = {}

    def held(name, work):
        def run():
            ids[name] = threading.get_native_id()
            work()
        return threading.Thread(target=run, name=name)

    def computes():
        while not done.is_set():
            pass

    def sleeps():
        while not done.is_set():
            time.sleep(0.01)

    threads = [
        held("computes", computes),
        held("sleeps", sleeps),
        held("locks", lambda: lock.acquire()),
        held("reads a pipe", lambda: os.read(reader, 1)),
    ]
    for thread in threads:
        thread.start()
    # A forked child gets a copy of every descriptor: the children close the
    # pipe's, or the reading thread would never see it end.
    stopped = os.fork()
    if stopped == 0:
        os.close(reader)
        os.close(writer)
        time.sleep(60)
        os._exit(0)
    exited = os.fork()
    if exited == 0:
        os._exit(0)
    os.kill(stopped, signal.SIGSTOP)
    while len(ids) < len(threads):
        time.sleep(0.001)
    rows = [("who", "state", "waits in (wchan)")]
    seen = {}
    plan = [("thread: computes", f"/proc/self/task/{ids['computes']}", "R"),
            ("thread: sleeps", f"/proc/self/task/{ids['sleeps']}", "S"),
            ("thread: locks", f"/proc/self/task/{ids['locks']}", "S"),
            ("thread: reads a pipe", f"/proc/self/task/{ids['reads a pipe']}", "S"),
            ("child: stopped", f"/proc/{stopped}", "T"),
            ("child: exited", f"/proc/{exited}", "Z")]
    for who, directory, expected in plan:
        state, where = look(directory, expected)
        rows.append((who, state, where))
        seen[who] = state
    computes = f"/proc/{os.getpid()}/task/{ids['computes']}/stat"
    main_waits, main_computes = looked_at(computes, False), looked_at(computes, True)
    # The stopped child may still hold the pipe's writing end (stopped before
    # it closed it): gone, it cannot keep the reading thread waiting.
    os.kill(stopped, signal.SIGKILL)
    os.waitpid(stopped, 0)
    os.waitpid(exited, 0)
    done.set()
    lock.release()
    os.close(writer)
    for thread in threads:
        thread.join()
    os.close(reader)
    show(rows)
    show([("thread: computes, looked at", "R", "S"),
          (f"{LOOKS} times while main waits", *main_waits),
          (f"{LOOKS} times while main computes too", *main_computes)])
    twin.say("states: a Python loop runs only while its thread holds the GIL: when main computes too, they take turns, and the one waiting for the GIL sleeps, S")
    seen["thread: computes, R and S"] = {"main waits": main_waits, "main computes": main_computes}
    return seen


def report_number(queue):
    """A spawned child's side: NUMBER as the child's own import made it."""
    queue.put((os.getpid(), id(NUMBER), NUMBER[0]))


def isolation():
    twin.say("isolation: a global list, NUMBER = [7]; the parent stores 8, then a forked and a spawned child look")
    rows = [("who", "pid", "id(NUMBER)", "NUMBER[0]")]
    NUMBER[0] = 8
    rows.append(("parent, after storing 8", os.getpid(), hex(id(NUMBER)), NUMBER[0]))
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(reader)
        first = NUMBER[0]
        NUMBER[0] = 42
        os.write(writer, f"{os.getpid()} {id(NUMBER)} {first} {NUMBER[0]}".encode())
        os._exit(0)
    os.close(writer)
    pid, address, first, after = (int(n) for n in os.read(reader, 200).split())
    os.close(reader)
    os.waitpid(child, 0)
    rows.append(("forked child, at first", pid, hex(address), first))
    rows.append(("forked child, after storing 42", pid, hex(address), after))
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    spawned = context.Process(target=report_number, args=(queue,))
    spawned.start()
    pid, address, value = queue.get()
    spawned.join()
    rows.append(("spawned child, at first", pid, hex(address), value))
    rows.append(("parent, after both", os.getpid(), hex(id(NUMBER)), NUMBER[0]))
    show(rows)
    twin.say("isolation: the forked child is a copy: the parent's 8, at the very same id(), yet its 42 stays its own")
    twin.say("isolation: the spawned child imported the file anew: 7, as the Rust lesson's child, which is started the same way")
    NUMBER[0] = 7
    return [list(row) for row in rows[1:]]


def fork_only():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)


def fork_exec():
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp("true", ["true"])
        finally:
            os._exit(127)
    os.waitpid(pid, 0)


def started_by(method):
    context = multiprocessing.get_context(method)

    def start():
        child = context.Process(target=nothing)
        child.start()
        child.join()
    return start


WAYS = [
    ("subprocess.run", lambda: subprocess.run(["true"], check=True)),
    ("os.fork + exec", fork_exec),
    ("os.fork", fork_only),
    ("multiprocessing fork", started_by("fork")),
    ("multiprocessing forkserver", started_by("forkserver")),
    ("multiprocessing spawn", started_by("spawn")),
]


def rss_kib():
    with open("/proc/self/status") as status:
        return int(next(line for line in status if line.startswith("VmRSS")).split()[1])


def measure(rounds):
    times = {name: [] for name, _ in WAYS}
    for _ in range(rounds):
        for name, way in WAYS:
            began = time.perf_counter()
            way()
            times[name].append((time.perf_counter() - began) * 1e3)
    return {"rss_kib": rss_kib(), "ms": times}


def spawn(parent_mib, rounds):
    twin.say(f"spawn: start a child and wait for it, {rounds} times each way, from this parent, then from one holding {parent_mib} MiB more")
    # forkserver starts its server on first use: not a child's cost.
    started_by("forkserver")()
    small = measure(rounds)
    big = bytearray(parent_mib << 20)
    for page in range(0, len(big), PAGE):
        big[page] = 1
    large = measure(rounds)
    del big
    median = lambda times: sorted(times)[len(times) // 2]
    rows = [("way", f"{small['rss_kib'] // 1024} MiB parent", f"{large['rss_kib'] // 1024} MiB parent")]
    for name, _ in WAYS:
        rows.append((name, f"{median(small['ms'][name]):.2f} ms", f"{median(large['ms'][name]):.2f} ms"))
    show(rows)
    twin.say("spawn: every way that forks the parent costs more the bigger it is; subprocess (vfork) and forkserver do not")
    return {"parent_mib": parent_mib, "rounds": rounds, "small": small, "big": large}


def main():
    def extra(parser):
        parser.add_argument("--part", action="append", choices=PARTS)
        parser.add_argument("--parent-mib", type=int, default=256)
        parser.add_argument("--rounds", type=int, default=5)

    args = twin.options(__doc__, extra)
    if not 1 <= args.parent_mib <= 4096 or not 1 <= args.rounds <= 100:
        sys.exit("lesson_11_anatomy.py: --parent-mib must be 1 to 4096, --rounds 1 to 100")
    started = time.perf_counter()
    figures = {}
    for name in args.part or PARTS:
        if name == "spawn":
            figures[name] = spawn(args.parent_mib, args.rounds)
        else:
            figures[name] = globals()[name]()
    twin.report("lesson-11-anatomy", args.time_scale, started, None, None, **figures)


if __name__ == "__main__":
    main()

"""Lesson 09's twin: the notebook's two functions as two asyncio
coroutines on one thread (10 s), then 10 000 waits of 1 s at once, on
asyncio tasks and then on threads, with what each costs. `--part waits`
runs the waits alone; `--part scraper` fetches pages with one task each,
at most `--limit` at once: the URLs given, or lesson 06's site served
here. It fetches with aiohttp when installed (`make bench-venv`), else
with urllib on threads through asyncio.to_thread; the report says which.

Run it: `python3 docs/python/lesson_09_async.py --time-scale 0.1`
"""

import asyncio
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import twin

PAUSE = 2.0
WAIT = 1.0


async def print_numbers(scale):
    for i in range(4):
        await asyncio.sleep(PAUSE * scale)
        twin.say(f"Number : {i}")


async def print_letters(scale):
    for letter in "abcde":
        await asyncio.sleep(PAUSE * scale)
        twin.say(f"letter : {letter}")


async def cell(scale):
    numbers = asyncio.create_task(print_numbers(scale))
    letters = asyncio.create_task(print_letters(scale))
    await numbers
    await letters


def usage():
    """(threads, resident KiB) from /proc/self/status, as the lesson reads it."""
    fields = {}
    with open("/proc/self/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            fields[name] = value.split()
    return int(fields["Threads"][0]), int(fields["VmRSS"][0])


def cost(how, waits, start_all, all_done, before, peak):
    return {
        "how": how,
        "waits": waits,
        "start_all_ms": start_all * 1e3,
        "start_per_wait_us": start_all / waits * 1e6,
        "all_done_ms": all_done * 1e3,
        "os_threads": peak[0],
        "resident_kib_per_wait": (peak[1] - before[1]) / waits,
    }


async def on_tasks(waits, wait):
    before = usage()
    began = time.perf_counter()
    tasks = [asyncio.create_task(asyncio.sleep(wait)) for _ in range(waits)]
    start_all = time.perf_counter() - began
    peak = usage()
    await asyncio.gather(*tasks)
    all_done = time.perf_counter() - began
    twin.say(f"{waits} task{'s' if waits != 1 else ''} waited")
    return cost("asyncio tasks", waits, start_all, all_done, before, peak)


def on_threads(waits, wait):
    before = usage()
    began = time.perf_counter()
    threads = []
    for _ in range(waits):
        thread = threading.Thread(target=time.sleep, args=(wait,))
        thread.start()
        threads.append(thread)
    start_all = time.perf_counter() - began
    peak = usage()
    for thread in threads:
        thread.join()
    all_done = time.perf_counter() - began
    twin.say(f"{waits} OS thread{'s' if waits != 1 else ''} waited")
    return cost("threads", waits, start_all, all_done, before, peak)


async def scrape(urls, limit, aiohttp, soup):
    """One task per URL, at most `limit` fetching at once; `aiohttp` is the
    module, or None to fetch with urllib on threads."""
    in_flight = asyncio.Semaphore(limit)

    async def fetch(get, url):
        async with in_flight:
            body = await get(url)
        twin.say(f"Fetched {len(soup(body, 'html.parser').text)} characters from {url}")

    if aiohttp is None:

        def read(url):
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.read()

        # to_thread runs on the loop's executor: as many threads as fetches.
        loop = asyncio.get_running_loop()
        loop.set_default_executor(ThreadPoolExecutor(max_workers=limit))

        async def get(url):
            return await asyncio.to_thread(read, url)

        await asyncio.gather(*(fetch(get, url) for url in urls))
        return "urllib on threads (asyncio.to_thread; aiohttp is not installed)"
    # No limit of aiohttp's own (100 by default): the semaphore is the limit.
    # A connection per fetch, as the lesson's client does.
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def get(url):
            async with session.get(url) as response:
                response.raise_for_status()
                return await response.read()

        await asyncio.gather(*(fetch(get, url) for url in urls))
    return f"aiohttp {aiohttp.__version__}"


def extra(parser):
    parser.add_argument("--part", choices=["cell", "waits", "scraper"])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--limit", type=int)
    parser.add_argument("urls", nargs="*")


def main():
    args = twin.options(__doc__, extra)
    scale = args.time_scale
    if args.part == "scraper":
        scrape_part(args)
        return
    parts = [args.part] if args.part else ["cell", "waits"]
    started = time.perf_counter()
    ideal, sequential, waits = 0.0, 0.0, []
    if "cell" in parts:
        asyncio.run(cell(scale))
        # The letters' five pauses at best; all nine in turn.
        ideal, sequential = ideal + 5 * PAUSE, sequential + 9 * PAUSE
    if "waits" in parts:
        waits.append(asyncio.run(on_tasks(args.tasks, WAIT * scale)))
        waits.append(on_threads(args.tasks, WAIT * scale))
        # One wait at best for each crowd. In turn, ten thousand waits are
        # no baseline anyone would run: no sequential time, as in the lesson.
        ideal, sequential = ideal + 2 * WAIT, None
    twin.report("lesson-09-async", scale, started, ideal, sequential, waits=waits)


def scrape_part(args):
    # Imported here, before the clock: only the scraper needs them (and
    # lesson 06's twin says what to install if BeautifulSoup is missing).
    from lesson_06_scraper import LATENCY, PAGES, BeautifulSoup, serve

    try:
        import aiohttp
    except ImportError:
        aiohttp = None
    server = None
    urls = args.urls
    if not urls:
        server = serve(args.time_scale)
        host, port = server.server_address
        urls = [f"http://{host}:{port}/{page}" for page in PAGES]
    limit = args.limit or len(urls)
    started = time.perf_counter()
    client = asyncio.run(scrape(urls, limit, aiohttp, BeautifulSoup))
    twin.say("All web pages fetched")
    rounds = -(-len(urls) // limit)
    # Only the served site's latency is known in advance.
    plan = (rounds * LATENCY, len(urls) * LATENCY) if server else (None, None)
    twin.report("lesson-09-async", args.time_scale, started, *plan, client=client,
                pages=len(urls))
    if server:
        server.shutdown()


if __name__ == "__main__":
    main()

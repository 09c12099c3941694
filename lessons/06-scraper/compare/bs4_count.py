"""What the notebook prints for a page, for files on disk: the number to
compare lesson 06 with. Run it with beautifulsoup4 4.15 on CPython 3.11.7,
from a throwaway virtualenv (see the chapter):

    python bs4_count.py FILE...              # prints "COUNT FILE" per file
    python bs4_count.py --repeat N FILE...   # then parses them N times, timed

The same output as `cargo run --release -p lesson-06-scraper --example
count -- FILE...`, so the two can be compared with diff.
"""

import sys
import time

from bs4 import BeautifulSoup


def main(args):
    repeat = 0
    if args[:1] == ["--repeat"]:
        repeat, args = int(args[1]), args[2:]
    pages = []
    for path in args:
        with open(path, "rb") as f:
            pages.append(f.read())
        print(len(BeautifulSoup(pages[-1], "html.parser").text), path, flush=True)
    if repeat:
        began = time.perf_counter()
        for _ in range(repeat):
            for page in pages:
                len(BeautifulSoup(page, "html.parser").text)
        secs = time.perf_counter() - began
        count = len(pages) * repeat
        mb = sum(map(len, pages)) * repeat / 1e6
        print(f"{count} pages, {mb:.1f} MB in {secs:.3f} s: "
              f"{count / secs:.1f} pages/s, {mb / secs:.1f} MB/s")


if __name__ == "__main__":
    main(sys.argv[1:])

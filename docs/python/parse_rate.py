"""The scraper's parse + count rate in Python, for the benchmark: how many
MB of HTML per second `len(BeautifulSoup(page, parser).text)` gets through,
with html.parser (the notebook's) and with lxml when it is installed. The
Rust side counts the same pages with lesson 06's BeautifulSoup-compatible
count, and the counts must agree.

Needs beautifulsoup4 (`make bench-venv`). Prints one JSON line.

Run it: `python3 docs/python/parse_rate.py --repeat 5 PAGE.html...`
"""

import argparse
import json
import sys
import time

try:
    from bs4 import BeautifulSoup
except ImportError:
    sys.exit("parse_rate.py: beautifulsoup4 is not installed: `make bench-venv`, "
             "then `make bench` uses target/bench-venv")


def rate(pages, parser, repeat):
    counts = [len(BeautifulSoup(page, parser).text) for page in pages]
    began = time.perf_counter()
    for _ in range(repeat):
        for page in pages:
            len(BeautifulSoup(page, parser).text)
    seconds = time.perf_counter() - began
    megabytes = sum(map(len, pages)) * repeat / 1e6
    return counts, megabytes / seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("pages", nargs="+")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be 1 or more")
    pages = []
    for path in args.pages:
        with open(path, "rb") as page:
            pages.append(page.read())
    counts, html_parser = rate(pages, "html.parser", args.repeat)
    figures = {"counts": counts, "bs4-html-parser-mb-per-s": html_parser,
               "bs4-lxml-mb-per-s": None}
    try:
        import lxml  # noqa: F401  (only whether it is there)
        figures["bs4-lxml-mb-per-s"] = rate(pages, "lxml", args.repeat)[1]
    except ImportError:
        pass
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()

"""Lesson 06's twin: the notebook's scraping cell, one thread per page,
against a local copy of the lesson's site (its pages, served on 127.0.0.1
with the lesson's latency of 0.5 s a page, scaled), so that it works
offline and the same every time. Prints "Fetched N characters from URL"
per page (N as `len(BeautifulSoup(page, 'html.parser').text)`), then "All
web pages fetched".

Needs beautifulsoup4 (`make bench-venv`); fetches with urllib, so that
requests is not needed too.

Run it: `python3 docs/python/lesson_06_scraper.py --time-scale 0.1`
"""

import http.server
import pathlib
import sys
import threading
import time
import urllib.request

import twin

try:
    from bs4 import BeautifulSoup
except ImportError:
    sys.exit("lesson_06_scraper.py: beautifulsoup4 is not installed: `make bench-venv`, "
             "then `make bench` uses target/bench-venv")

SITE = pathlib.Path(__file__).resolve().parents[2] / "lessons" / "06-scraper" / "site"
PAGES = ["threads.html", "pools.html", "processes.html"]
LATENCY = 0.5


def serve(scale):
    """The site on 127.0.0.1, a thread per request, each answer late."""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            time.sleep(LATENCY * scale)
            path = SITE / self.path.lstrip("/")
            if self.path.lstrip("/") not in PAGES or not path.is_file():
                self.send_error(404)
                return
            body = path.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def fetch_content(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        soup = BeautifulSoup(response.read(), "html.parser")
    twin.say(f"Fetched {len(soup.text)} characters from {url}")


def main():
    args = twin.options(__doc__)
    server = serve(args.time_scale)
    host, port = server.server_address
    urls = [f"http://{host}:{port}/{page}" for page in PAGES]
    started = time.perf_counter()
    threads = [threading.Thread(target=fetch_content, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    twin.say("All web pages fetched")
    twin.report("lesson-06-scraper", args.time_scale, started, LATENCY, LATENCY * len(PAGES))
    server.shutdown()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Shows included code without the indentation it has in its file.

mdBook 0.4.52 pulls `{{#include file.rs:anchor}}` in as it is in the file:
code from inside a function keeps its 8 or 12 spaces. Run by `mdbook build`
as a preprocessor after `links` (docs/book.toml), this removes the
indentation that every line of a code block shares, so the block starts at
the left margin. Only fences at the start of a line are touched: a block
inside a list item keeps the list's indentation.

    mdbook-dedent.py supports RENDERER   (mdBook asks; every renderer is fine)
    mdbook-dedent.py < [context, book]   (mdBook's preprocessor protocol)
    mdbook-dedent.py --check HTML_DIR    (make docs: fails on a block that
                                          still starts indented)
"""

import html
import json
import pathlib
import re
import sys


def dedent_blocks(markdown):
    """Returns `markdown` with each fenced code block at column 0 dedented."""
    out, block, fence = [], None, None
    for line in markdown.split("\n"):
        if block is None:
            opening = re.match(r"(`{3,}|~{3,})", line)
            out.append(line)
            if opening:
                block, fence = [], opening.group(1)
            continue
        closing = re.fullmatch(r"(`{3,}|~{3,})\s*", line)
        if closing and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence):
            out.extend(dedent(block))
            out.append(line)
            block = None
        else:
            block.append(line)
    if block is not None:  # an unclosed fence runs to the end: leave it be
        out.extend(block)
    return "\n".join(out)


def dedent(lines):
    """Removes the leading whitespace that every non-blank line shares."""
    indents = [re.match(r"[ \t]*", l).group(0) for l in lines if l.strip()]
    if not indents:
        return lines
    common = indents[0]
    for indent in indents[1:]:
        while not indent.startswith(common):
            common = common[:-1]
    return [l[len(common):] if l.strip() else "" for l in lines]


def preprocess(items):
    for item in items:
        chapter = item.get("Chapter") if isinstance(item, dict) else None
        if chapter:
            chapter["content"] = dedent_blocks(chapter["content"])
            preprocess(chapter["sub_items"])


def check(html_dir):
    """Exits 1 if a built page has a code block whose lines all start
    indented: an include that the preprocessor did not reach."""
    bad = []
    for page in sorted(pathlib.Path(html_dir).rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        for code in re.findall(r"<pre><code[^>]*>(.*?)</code></pre>", text, re.S):
            lines = [l for l in html.unescape(re.sub(r"<[^>]+>", "", code)).split("\n") if l.strip()]
            if lines and all(l[0] in " \t" for l in lines):
                bad.append(f"{page}: a code block starts indented: {lines[0]!r}")
    for line in bad:
        print(line, file=sys.stderr)
    if bad:
        sys.exit(1)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "supports":
        sys.exit(0)
    if len(sys.argv) > 2 and sys.argv[1] == "--check":
        check(sys.argv[2])
        return
    _context, book = json.load(sys.stdin)
    preprocess(book["sections"])
    json.dump(book, sys.stdout)


if __name__ == "__main__":
    main()

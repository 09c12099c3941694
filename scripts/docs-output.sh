#!/usr/bin/env bash
# Writes the run a chapter shows: `docs-output.sh OUT PACKAGE [ARGS...]`
# runs the lesson at full time (as a learner would with cargo run) and
# writes OUT, whose first line is the command. What changes from run to run
# without meaning is normalised, so that a rerun changes only what really
# varies (the order of lines printed at the same instant by two workers):
# `pid 1234` becomes `pid <pid>`, an ephemeral port `127.0.0.1:<port>`,
# the repository's own path (where the run was made) `<repo>`,
# the summary's times are rounded to 10 ms, and the
# overhead (a fraction of a millisecond, different every run) becomes a
# bound: `< 1 ms`. Needs the binaries built (make does it).
# A run that should fail (a demo of an error) sets EXPECT_STATUS, and the
# file ends with `[exit status N]`, which the book shows and the docs test
# checks.
set -euo pipefail

out=$1 package=$2
shift 2
command="cargo run -p $package"
if [ $# -gt 0 ]; then command="$command -- $*"; fi

{
    echo "\$ $command"
    # Not a terminal, so the timeline is 80 columns wide, as in the book.
    status=0
    cargo run --locked -q -p "$package" -- "$@" 2>&1 || status=$?
    if [ "$status" != "${EXPECT_STATUS:-0}" ]; then
        echo "$package exited with $status, not ${EXPECT_STATUS:-0}" >&2
        exit 1
    fi
    if [ "$status" != 0 ]; then echo "[exit status $status]"; fi
} | awk -v repo="$PWD" '
    # Taken literally: a path may hold characters a pattern would not.
    function replaced(text, from, to,    out, at) {
        out = ""
        while ((at = index(text, from)) > 0) {
            out = out substr(text, 1, at - 1) to
            text = substr(text, at + length(from))
        }
        return out text
    }
    { $0 = replaced($0, repo, "<repo>") }
    { gsub(/pid [0-9]+/, "pid <pid>") }
    # An ephemeral port (five digits) changes every run; port 9 and the
    # like are part of what the run shows.
    { gsub(/127\.0\.0\.1:[0-9][0-9][0-9][0-9][0-9]/, "127.0.0.1:<port>") }
    # The summary only: its elapsed line has nothing after the unit, its
    # ideal and sequential lines say what they are.
    function rounded(value, unit) {
        if (unit == "ms") return sprintf("%d ms", int(value / 10 + 0.5) * 10)
        return sprintf("%.2f s", value)
    }
    ($1 == "elapsed" && NF == 3) || ($1 == "ideal" && /the busiest/) ||
    ($1 == "sequential" && /every sleep/) {
        if ($3 == "s" || $3 == "ms") sub(/[0-9]+\.[0-9]+ m?s/, " " rounded($2, $3))
    }
    $1 == "overhead" && $3 == "ms" {
        bound = int($2) + 1
        $0 = sprintf("overhead    %10s   elapsed - ideal", "< " bound " ms")
    }
    { print }' > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out"

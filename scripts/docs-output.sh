#!/usr/bin/env bash
# Writes the run a chapter shows: `docs-output.sh OUT PACKAGE [ARGS...]`
# runs the lesson at full time (as a learner would with cargo run) and
# writes OUT, whose first line is the command. Process ids change every run,
# so `pid 1234` becomes `pid <pid>`; times are kept as measured, since they
# are what the chapter discusses. Needs the binaries built (make does it).
# A run that should fail (a demo of an error) sets EXPECT_STATUS.
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
} | sed -E 's/\b(pid )[0-9]+/\1<pid>/g' > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out"

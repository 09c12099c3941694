#!/usr/bin/env bash
# Measures how far a lesson ends after its ideal time at full time scale:
# `overhead.sh PACKAGE RUNS` runs the release build RUNS times with --json
# and prints elapsed - ideal for each run (the lesson times itself, so
# cargo's own start-up is not counted).
set -euo pipefail

package=$1 runs=${2:-3}
for _ in $(seq "$runs"); do
    cargo run --locked -q --release -p "$package" -- --json --time-scale 1 |
        awk -F': ' '/"elapsed_ms"/ { e = $2 } /"ideal_ms"/ { i = $2 }
            END { gsub(",", "", e); gsub(",", "", i);
                  printf "%s: elapsed %.3f ms, ideal %.3f ms, overhead %.3f ms\n",
                         pkg, e, i, e - i }' pkg="$package"
done

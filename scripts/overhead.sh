#!/usr/bin/env bash
# Measures how far a lesson ends after its ideal time at full time scale:
# `overhead.sh PACKAGE RUNS` runs the release build RUNS times with --json
# and prints elapsed - ideal for each run. Needs the release build (make
# overhead does it).
set -euo pipefail

package=$1 runs=${2:-3}
for _ in $(seq "$runs"); do
    target/release/"$package" --json --time-scale 1 |
        awk -F': ' '/"elapsed_ms"/ { e = $2 } /"ideal_ms"/ { i = $2 }
            END { gsub(",", "", e); gsub(",", "", i);
                  printf "%s: elapsed %.3f ms, ideal %.3f ms, overhead %.3f ms\n",
                         pkg, e, i, e - i }' pkg="$package"
done

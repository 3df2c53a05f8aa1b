#!/usr/bin/env bash
# `pnpm bench`: installs the anchors (../shared/bench/setup.sh), then runs the shared harness with
# our crawler plugged in (CRAWL_CMD, CRAWL_IMAGES_CMD) and prints the table plus our ratios.
# Env passes through to run-anchors.sh: BENCH_PAGES (3000), RUNS (3), CONCS ("16 64"), ANCHORS, ...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
shared=${SHARED_BENCH:-$repo/../shared/bench}
[[ -d $shared ]] || { echo "no benchmark harness at $shared (expected ../shared/bench beside the repo)"; exit 1; }

bash "$shared/setup.sh"
export CRAWL_CMD=${CRAWL_CMD:-"node $here/bench-crawl.mjs"}
if [[ -f $here/bench-images.mjs ]]; then export CRAWL_IMAGES_CMD=${CRAWL_IMAGES_CMD:-"node $here/bench-images.mjs"}; fi
export OUT=${OUT:-/tmp/bench-results/crawl-$(date +%Y%m%d-%H%M%S)}
bash "$shared/run-anchors.sh"
node "$here/ratios.mjs" "$OUT/rows.tsv" | tee "$OUT/ratios.md"

#!/usr/bin/env bash
# The engine of two builds on the same pages, alternating process by process so both see the same host, each figure
# the best of its runs (this shared 2-core host moves single runs by ± 50 %). Not run by CI.
#
#   tests/DomainScreen.Benchmarks/engine-compare.sh <other checkout> [rounds]
#
# e.g. git worktree add --detach /tmp/wt-old <commit>; engine-compare.sh /tmp/wt-old 4
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OTHER=$(cd "$1" && pwd)/tests/DomainScreen.Benchmarks
ROUNDS=${2:-4}
SIZES=${SIZES:-"5120 51200 512000 2097152"}
PAGES=${PAGES:-"faceswap-studio.html news-daily.html sd-webui.html"}
for dir in "$OTHER" "$HERE"; do dotnet build -c Release "$dir" -v q -nologo >/dev/null; done
out=$(mktemp)
for round in $(seq "$ROUNDS"); do
  for page in $PAGES; do
    for size in $SIZES; do
      for dir in "$OTHER" "$HERE"; do
        ms=$(dotnet "$dir/bin/Release/net10.0/DomainScreen.Benchmarks.dll" profile "$page" "$size" run | awk '/catalog.Run/ {print $2}')
        echo "$([ "$dir" = "$HERE" ] && echo this || echo other) $page $size $ms" >> "$out"
      done
    done
  done
done
python3 - "$out" <<'PY'
import sys, collections
best = collections.defaultdict(lambda: float("inf"))
for line in open(sys.argv[1]):
    who, page, size, ms = line.split()
    best[(who, page, int(size))] = min(best[(who, page, int(size))], float(ms))
print("| page | size | other build | this build | this / other |")
print("|---|---|---|---|---|")
for (who, page, size) in sorted(k for k in best if k[0] == "this"):
    o, t = best[("other", page, size)], best[("this", page, size)]
    mb = lambda ms: size / 1e6 / (ms / 1000)
    print(f"| {page} | {size:,} | {o*1000:.1f} µs ({mb(o):.0f} MB/s) | {t*1000:.1f} µs ({mb(t):.0f} MB/s) | {t/o:.2f} |")
PY
rm -f "$out"

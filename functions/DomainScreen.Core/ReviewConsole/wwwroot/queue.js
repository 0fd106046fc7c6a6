// The review queue: cases sorted by score, filters kept in the URL fragment, counts per band, pages appended as the
// reviewer goes (50 at a time from the API, so thousands of cases never load at once), keyboard movement and
// selection, and bulk decisions.

import { api, query } from './api.js';
import { h, clear, mixedScript } from './dom.js';
import { t, label, formatTime } from './i18n.js';
import { askReject, decideMany } from './decide.js';

const BANDS = ['block', 'review', 'watch', 'clear'];
const STATES = ['pending', 'escalated', 'approved', 'rejected', 'appealed', 'actioned', 'closed', 'all'];
const CATEGORIES = ['face-swap', 'voice-clone', 'nudify', 'vulgar-content', 'ai-companion', 'minors', 'fake-news', 'troll-farm', 'brand-impersonation',
  'llm-resale', 'abuse-tool-sale', 'genai-service', 'self-hosted-ai'];
const FUNCTIONS = ['chat', 'image', 'video', 'voice', 'music', 'api-relay', 'companion', 'agent-platform', 'download'];
const FILTERS = ['state', 'band', 'category', 'function', 'product', 'source', 'runId', 'since', 'q'];
const ORDER_KEY = 'ds.queueOrder';

/** The case ids of the queue as last shown, for j/k on the case page. */
export function queueOrder() {
  try { return JSON.parse(sessionStorage.getItem(ORDER_KEY) ?? '[]'); } catch { return []; }
}

export function bandBadge(band) {
  return h('span', { class: `band band-${band}` }, label('band', band));
}

export function scoreBar(score, max = 100) {
  const pct = Math.max(0, Math.min(100, Math.round((score / max) * 100)));
  return h('span', { class: 'scorebar', role: 'img', 'aria-label': t('case.score', { score }) },
    h('span', { class: 'scorebar-track' }, h('span', { class: 'scorebar-fill', dataset: { pct: String(pct) } })),
    h('span', { class: 'scorebar-text', 'aria-hidden': 'true' }, String(score)));
}

/** The domain as people read it, with punycode when it differs and a mark for mixed scripts. */
export function domainName(domain, displayName) {
  const shown = displayName || domain;
  return h('span', { class: 'domain' },
    h('span', { class: 'domain-unicode' }, shown),
    shown !== domain ? h('span', { class: 'domain-puny' }, domain) : null,
    mixedScript(shown) ? h('span', { class: 'warn-tag' }, t('case.mixedScript')) : null);
}

/** Sets widths from data-pct (style attributes would need 'unsafe-inline' styles; CSSOM does not). */
export function applyBars(root) {
  for (const fill of root.querySelectorAll('[data-pct]')) fill.style.width = `${fill.dataset.pct}%`;
}

export async function render(main, ctx) {
  const params = Object.fromEntries(FILTERS.map((f) => [f, ctx.params.get(f) ?? '']));
  const canDecide = ctx.has('reviewer', 'admin');
  let rows = [];
  let cursor = 0;
  let token = null;
  const selected = new Set();

  const heading = h('h1', {}, t('queue.title'));
  const countsBox = h('div', { class: 'counts', role: 'group', 'aria-label': t('queue.counts') });
  const status = h('p', { class: 'hint' });
  const tbody = h('tbody');
  const more = h('button', { type: 'button', hidden: true, onclick: () => load(false) }, t('common.more'));
  const selectedText = h('span', { class: 'hint', 'aria-live': 'polite' });

  const field = (name, labelKey, control) => h('div', { class: 'field' }, h('label', { for: `f-${name}` }, t(labelKey)), control);
  const select = (name, options) => h('select', { id: `f-${name}`, name },
    options.map(([value, text]) => h('option', { value, selected: params[name] === value }, text)));
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('queue.filters') },
    field('q', 'queue.search', h('input', { id: 'f-q', name: 'q', type: 'search', value: params.q, placeholder: t('queue.searchHint'), autocomplete: 'off' })),
    field('state', 'queue.state', select('state', [['', label('state', 'pending')], ...STATES.filter((s) => s !== 'pending').map((s) => [s, label('state', s)])])),
    field('band', 'queue.band', select('band', [['', t('queue.any')], ...BANDS.map((b) => [b, label('band', b)])])),
    field('category', 'queue.category', select('category', [['', t('queue.any')], ...CATEGORIES.map((c) => [c, label('cat', c)])])),
    field('function', 'queue.function', select('function', [['', t('queue.any')], ...FUNCTIONS.map((f) => [f, label('fn', f)])])),
    field('product', 'queue.product', h('input', { id: 'f-product', name: 'product', value: params.product, autocomplete: 'off' })),
    field('source', 'queue.source', select('source', [['', t('queue.any')], ['sweep', t('source.sweep')], ['submission', t('source.submission')]])),
    field('runId', 'queue.run', h('input', { id: 'f-runId', name: 'runId', value: params.runId, autocomplete: 'off' })),
    field('since', 'queue.since', h('input', { id: 'f-since', name: 'since', type: 'date', value: params.since })),
    h('div', { class: 'row' },
      h('button', { type: 'submit', class: 'primary' }, t('queue.apply')),
      h('button', { type: 'button', onclick: () => ctx.navigate('#/queue') }, t('queue.reset'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    // The rows on screen no longer answer the filters: say so until the new ones arrive.
    tableEl.setAttribute('aria-busy', 'true');
    const data = new FormData(form);
    const next = {};
    for (const name of FILTERS) if (data.get(name)) next[name] = String(data.get(name)).trim();
    ctx.navigate(`#/queue${query(next)}`);
  });

  const bulk = canDecide ? h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': t('decide.title') },
    selectedText,
    h('button', { type: 'button', onclick: () => bulkDecide('approve') }, t('queue.bulkApprove')),
    h('button', { type: 'button', onclick: () => bulkDecide('reject') }, t('queue.bulkReject')),
    h('button', { type: 'button', onclick: () => bulkDecide('escalate') }, t('queue.bulkEscalate'))) : null;

  const selectAll = canDecide ? h('input', { type: 'checkbox', id: 'select-all', 'aria-label': t('queue.selectAll'), onchange: (e) => {
    for (const r of rows) (e.target.checked ? selected.add(r.caseId) : selected.delete(r.caseId));
    paintSelection();
  } }) : null;

  const tableEl = h('table', { class: 'queue' },
    h('caption', { class: 'visually-hidden' }, t('queue.title')),
    h('thead', {}, h('tr', {},
      canDecide ? h('th', { scope: 'col' }, selectAll) : null,
      h('th', { scope: 'col' }, t('queue.domain')), h('th', { scope: 'col' }, t('queue.band')), h('th', { scope: 'col' }, t('queue.score')),
      h('th', { scope: 'col' }, t('queue.categories')), h('th', { scope: 'col' }, t('queue.products')), h('th', { scope: 'col' }, t('queue.state')),
      h('th', { scope: 'col' }, t('queue.updated')))),
    tbody);

  main.append(heading, form, countsBox, bulk, h('p', { class: 'hint' }, t('queue.keys')), h('div', { class: 'table-wrap' }, tableEl), status, more);

  function paintSelection() {
    tbody.querySelectorAll('tr').forEach((tr, i) => {
      tr.classList.toggle('current', i === cursor);
      if (i === cursor) tr.setAttribute('aria-current', 'true'); else tr.removeAttribute('aria-current');
      const box = tr.querySelector('input[type=checkbox]');
      if (box) box.checked = selected.has(rows[i].caseId);
    });
    selectedText.textContent = selected.size ? t('queue.selected', { n: selected.size }) : '';
  }

  function rowFor(c) {
    const link = h('a', { href: `#/case/${encodeURIComponent(c.caseId)}` }, domainName(c.domain, c.displayName));
    const tr = h('tr', { dataset: { caseId: c.caseId } },
      canDecide ? h('td', {}, h('input', { type: 'checkbox', 'aria-label': t('queue.select', { domain: c.displayName || c.domain }), onchange: (e) => {
        (e.target.checked ? selected.add(c.caseId) : selected.delete(c.caseId));
        paintSelection();
      } })) : null,
      h('td', {}, link, c.hosts > 1 ? h('span', { class: 'hint' }, ` (${c.hosts})`) : null,
        c.awaitingSecondApproval ? h('span', { class: 'warn-tag' }, t('queue.secondApproval')) : null),
      h('td', {}, bandBadge(c.band)),
      h('td', {}, scoreBar(c.score)),
      h('td', {}, (c.categories ?? []).map((x) => label('cat', x)).join('，')),
      h('td', {}, (c.products ?? []).join(', ')),
      h('td', {}, label('state', c.state)),
      h('td', {}, formatTime(c.updatedAt)));
    tr.addEventListener('click', (event) => {
      if (event.target instanceof HTMLInputElement || event.target instanceof HTMLAnchorElement) return;
      cursor = rows.indexOf(c);
      paintSelection();
    });
    return tr;
  }

  function paintCounts(counts) {
    clear(countsBox);
    for (const band of BANDS) {
      const active = params.band === band;
      const next = { ...params, band: active ? '' : band };
      countsBox.append(h('a', { class: `count band-${band}${active ? ' active' : ''}`, href: `#/queue${query(next)}`, 'aria-current': active ? 'true' : null },
        `${label('band', band)} ${counts?.[band] ?? 0}`));
    }
  }

  async function load(reset) {
    status.textContent = t('common.loading');
    tableEl.setAttribute('aria-busy', 'true');
    try {
      const q = { ...params, top: 50, continuationToken: reset ? undefined : token };
      const body = (await api(`/api/cases${query(q)}`)).body;
      if (reset) {
        rows = [];
        clear(tbody);
        paintCounts(body.counts);
      }
      rows.push(...body.cases);
      tbody.append(...body.cases.map(rowFor));
      applyBars(tbody);
      token = body.continuationToken ?? null;
      more.hidden = !token;
      status.textContent = rows.length ? t('queue.shown', { shown: rows.length }) : t('queue.empty');
      try { sessionStorage.setItem(ORDER_KEY, JSON.stringify(rows.map((r) => r.caseId))); } catch { /* ignore */ }
      paintSelection();
    } catch (error) {
      status.textContent = t('common.error', { message: error.message });
    } finally {
      tableEl.setAttribute('aria-busy', 'false');
    }
  }

  async function bulkDecide(decision) {
    const chosen = rows.filter((r) => selected.has(r.caseId));
    const targets = chosen.length ? chosen : rows[cursor] ? [rows[cursor]] : [];
    if (!targets.length) return;
    let extra = {};
    if (decision === 'approve') extra = { actions: ['block'] };
    if (decision === 'reject') {
      const answer = await askReject(ctx, t('decide.bulkReason', { n: targets.length }));
      if (!answer) return;
      extra = answer;
    }
    await decideMany(ctx, targets.map((r) => ({ caseId: r.caseId, etag: r.etag, decision, ...extra })));
    selected.clear();
    await load(true);
  }

  await load(true);

  return {
    onKey(event) {
      const current = rows[cursor];
      switch (event.key) {
        case 'j': if (cursor < rows.length - 1) cursor += 1; else if (token) load(false); paintSelection(); scrollCurrent(); return true;
        case 'k': if (cursor > 0) cursor -= 1; paintSelection(); scrollCurrent(); return true;
        case 'Enter': case 'o': if (current) ctx.navigate(`#/case/${encodeURIComponent(current.caseId)}`); return true;
        case 'x': if (current && canDecide) { (selected.has(current.caseId) ? selected.delete(current.caseId) : selected.add(current.caseId)); paintSelection(); } return true;
        case '/': document.getElementById('f-q')?.focus(); return true;
        case 'a': if (canDecide) bulkDecide('approve'); return canDecide;
        case 'r': if (canDecide) bulkDecide('reject'); return canDecide;
        case 'e': if (canDecide) bulkDecide('escalate'); return canDecide;
        default: return false;
      }
    },
  };

  function scrollCurrent() {
    tbody.querySelectorAll('tr')[cursor]?.scrollIntoView({ block: 'nearest' });
  }
}

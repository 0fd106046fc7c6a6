// One case: the name (Unicode, punycode, mixed scripts marked), verdict and score contributions as bars, matched
// text in context, DNS, redirects, TLS, registration, headers, favicon, the stored page as inert text, history,
// decisions and audit, partner actions, and the decision panel (a / r / e; j / k to the next case in the queue).

import { api, ApiError } from './api.js';
import { h, clear, facts, table } from './dom.js';
import { t, label, formatTime } from './i18n.js';
import { bandBadge, scoreBar, domainName, applyBars, queueOrder } from './queue.js';
import { askReject, confirmDeregister, decide } from './decide.js';

const CONTEXT = 80;

// Which decision each state allows (the service's CaseRules; it refuses anything else with 409).
const ALLOWED = {
  approve: ['pending', 'escalated'],
  reject: ['pending', 'escalated', 'approved', 'actioned'],
  escalate: ['pending'],
  close: ['pending', 'escalated', 'rejected', 'actioned'],
};

export async function render(main, ctx) {
  const caseId = ctx.arg;
  const canDecide = ctx.has('reviewer', 'admin');
  main.append(h('p', { class: 'hint' }, t('common.loading')));
  let detail;
  try {
    detail = (await api(`/api/cases/${encodeURIComponent(caseId)}`)).body;
  } catch (error) {
    clear(main);
    main.append(h('h1', {}, t('case.title', { domain: caseId })), h('p', { class: 'error', role: 'alert' }, t('common.error', { message: error.message })));
    return null;
  }
  const [actions, audit, page, favicon] = await Promise.all([
    api(`/api/cases/${encodeURIComponent(caseId)}/actions`).then((r) => r.body).catch(() => []),
    ctx.has('reviewer', 'admin') ? api(`/api/audit?caseId=${encodeURIComponent(caseId)}&top=50`).then((r) => r.body.entries).catch(() => []) : Promise.resolve([]),
    pageText(detail.latest),
    faviconImage(detail.latest),
  ]);
  clear(main);

  const record = detail.case;
  const latest = detail.latest;
  const verdict = latest?.verdict;
  const order = queueOrder();
  const index = order.indexOf(detail.caseId);
  const neighbour = (step) => order[index + step];

  const nav = h('nav', { class: 'case-nav', 'aria-label': t('case.title', { domain: '' }).trim() },
    h('a', { href: '#/queue' }, `← ${t('common.back')}`),
    neighbour(-1) ? h('a', { href: `#/case/${encodeURIComponent(neighbour(-1))}`, rel: 'prev' }, t('case.prev')) : null,
    neighbour(1) ? h('a', { href: `#/case/${encodeURIComponent(neighbour(1))}`, rel: 'next' }, t('case.next')) : null);

  const header = h('div', { class: 'case-head' },
    favicon,
    h('div', {},
      h('h1', {}, domainName(detail.domain, record.displayName)),
      h('p', { class: 'case-meta' }, bandBadge(record.band), ' ', scoreBar(record.score), ' ',
        h('span', { class: `state state-${record.state}` }, label('state', record.state)), ' ',
        (record.categories ?? []).map((c) => h('span', { class: 'tag' }, label('cat', c))),
        (record.products ?? []).map((p) => h('span', { class: 'tag product' }, p)),
        (record.functions ?? []).map((f) => h('span', { class: 'tag function' }, label('fn', f))))));

  const notices = [];
  if (detail.allowlisted) notices.push(h('p', { class: 'notice' }, t('case.allowlisted', { reason: detail.allowlisted.reason })));
  if (record.pendingApproval) {
    const p = record.pendingApproval;
    notices.push(h('p', { class: 'notice warn', role: 'note' }, t('case.awaiting', {
      who: p.actorName, actions: p.actions.map((a) => label('action.kind', a)).join('、'), at: formatTime(p.at),
    }), p.actorId === ctx.me.id ? h('strong', {}, ` ${t('case.awaitingSelf')}`) : null));
  }

  const decision = canDecide ? decisionPanel(ctx, detail, () => ctx.navigate(location.hash)) : null;

  // Actions change without the reviewer: dispatched, then acknowledged by the partner. While any is open, the table
  // is refreshed every 3 s (and announced to screen readers by its live region).
  const actionsBox = h('div', { 'aria-live': 'polite' }, actionsTable(actions));
  let timer = 0;
  let disposed = false;
  const open = (list) => (list ?? []).some((a) => a.state === 'planned' || a.state === 'dispatched');
  async function refreshActions() {
    if (disposed) return;
    try {
      const list = (await api(`/api/cases/${encodeURIComponent(caseId)}/actions`)).body;
      if (disposed) return;
      clear(actionsBox).append(actionsTable(list));
      if (open(list) || (!list.length && record.state === 'approved')) timer = setTimeout(refreshActions, 3000);
    } catch { /* the next page load will show them */ }
  }
  if (open(actions) || record.state === 'approved') timer = setTimeout(refreshActions, 3000);

  main.append(nav, header, ...notices, decision?.element ?? null,
    section('evidence', t('case.contributions'), contributions(verdict)),
    section('matches', t('case.evidence'), matches(verdict, page)),
    section('hosts', t('case.hosts'), hostsTable(record)),
    section('dns', t('case.dns'), dnsTable(latest?.dns)),
    section('redirects', t('case.redirects'), redirects(latest?.fetch)),
    section('tls', t('case.tls'), tls(latest?.fetch?.tls)),
    section('registration', t('case.registration'), registration(latest?.registration)),
    section('headers', t('case.headers'), headers(latest?.fetch)),
    section('page', t('case.page'), pageView(page, verdict)),
    section('history', t('case.history'), history(detail.history)),
    section('actions', t('case.actions'), actionsBox),
    section('events', t('case.events'), events(detail.events, audit)));
  applyBars(main);

  return {
    dispose() { disposed = true; clearTimeout(timer); },
    onKey(event) {
      switch (event.key) {
        case 'j': if (neighbour(1)) ctx.navigate(`#/case/${encodeURIComponent(neighbour(1))}`); return true;
        case 'k': if (neighbour(-1)) ctx.navigate(`#/case/${encodeURIComponent(neighbour(-1))}`); return true;
        case 'a': decision?.approve(); return !!decision;
        case 'r': decision?.reject(); return !!decision;
        case 'e': decision?.escalate(); return !!decision;
        default: return false;
      }
    },
  };
}

function section(id, title, body) {
  return h('section', { class: 'panel', 'aria-labelledby': `s-${id}` }, h('h2', { id: `s-${id}` }, title), body);
}

/** The decision panel: approve (actions, scope, note), reject (reason, allowlist), escalate; and the same by key. */
function decisionPanel(ctx, detail, reload) {
  const state = detail.state;
  const domain = detail.case.displayName || detail.domain;
  const block = h('input', { type: 'checkbox', id: 'act-block', checked: true });
  const deregister = h('input', { type: 'checkbox', id: 'act-deregister', checked: !!detail.case.pendingApproval?.actions?.includes('deregister') });
  const scope = h('select', { id: 'act-scope' },
    h('option', { value: 'host' }, t('decide.scopeHost')), h('option', { value: 'registrable-domain' }, t('decide.scopeDomain')));
  if (detail.case.pendingApproval?.scope) scope.value = detail.case.pendingApproval.scope;
  const note = h('input', { type: 'text', id: 'act-note', maxlength: '2000', autocomplete: 'off' });
  let busy = false;

  async function send(body) {
    if (busy) return;
    busy = true;
    try {
      await decide(ctx, detail.caseId, detail.etag, body);
    } finally {
      busy = false;
    }
    reload();
  }

  async function approve() {
    const chosen = [block.checked ? 'block' : null, deregister.checked ? 'deregister' : null].filter(Boolean);
    if (!chosen.length) { block.focus(); return; }
    if (chosen.includes('deregister') && !(await confirmDeregister(ctx, domain))) return;
    await send({ decision: 'approve', actions: chosen, scope: scope.value, note: note.value.trim() || undefined });
  }

  async function reject() {
    const answer = await askReject(ctx, `${t('decide.reject')} ${domain}`);
    if (answer) await send({ decision: 'reject', ...answer });
  }

  async function escalate() {
    await send({ decision: 'escalate', note: note.value.trim() || undefined });
  }

  // Only the decisions the case's state allows (docs/review.md), so a key press never asks for an impossible one.
  const allowed = (decision) => (ALLOWED[decision] ?? []).includes(state);
  const close = () => send({ decision: 'close', note: note.value.trim() || undefined });
  const appealed = state === 'appealed';
  const element = h('section', { class: 'panel decision', 'aria-labelledby': 's-decision' },
    h('h2', { id: 's-decision' }, t('decide.title')),
    appealed
      ? h('div', { class: 'row' },
        h('button', { type: 'button', class: 'primary', onclick: () => send({ decision: 'uphold' }) }, t('decide.uphold')),
        h('button', { type: 'button', onclick: () => send({ decision: 'reverse', note: note.value.trim() || undefined }) }, t('decide.reverse')))
      : h('div', { class: 'decide-grid' },
        allowed('approve') ? [
          h('fieldset', {}, h('legend', {}, t('decide.actions')),
            h('div', { class: 'check' }, block, h('label', { for: 'act-block' }, t('decide.block'))),
            h('div', { class: 'check' }, deregister, h('label', { for: 'act-deregister' }, t('decide.deregister')))),
          h('div', { class: 'field' }, h('label', { for: 'act-scope' }, t('decide.scope')), scope)] : null,
        h('div', { class: 'field' }, h('label', { for: 'act-note' }, t('decide.note')), note)),
    appealed ? null : h('div', { class: 'row' },
      allowed('approve') ? h('button', { type: 'button', class: 'primary', onclick: approve, 'aria-keyshortcuts': 'a' }, t('decide.approve')) : null,
      allowed('reject') ? h('button', { type: 'button', class: 'danger-outline', onclick: reject, 'aria-keyshortcuts': 'r' }, t('decide.reject')) : null,
      allowed('escalate') ? h('button', { type: 'button', onclick: escalate, 'aria-keyshortcuts': 'e' }, t('decide.escalate')) : null,
      allowed('close') ? h('button', { type: 'button', onclick: close }, t('decide.close')) : null));
  return {
    element,
    approve: () => (allowed('approve') ? approve() : null),
    reject: () => (allowed('reject') ? reject() : null),
    escalate: () => (allowed('escalate') ? escalate() : null),
  };
}

function contributions(verdict) {
  const items = (verdict?.evidence ?? []).slice().sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  if (!items.length) return h('p', {}, t('common.none'));
  const max = Math.max(...items.map((c) => Math.abs(c.weight)), 1);
  return h('ul', { class: 'bars' }, items.map((c) => h('li', { class: c.weight < 0 ? 'negative' : '' },
    h('span', { class: 'bar-label' }, c.matched ? h('q', { class: 'matched' }, c.matched) : null, ' ', c.detail,
      c.category ? h('span', { class: 'tag' }, label('cat', c.category)) : null),
    h('span', { class: 'bar', role: 'img', 'aria-label': `${c.weight > 0 ? '+' : ''}${c.weight}` },
      h('span', { class: 'bar-fill', dataset: { pct: String(Math.round((Math.abs(c.weight) / max) * 100)) } })),
    h('span', { class: 'bar-value' }, `${c.weight > 0 ? '+' : ''}${c.weight}`))));
}

/** Each contribution with matched text, shown in its context on the page when the offset points into the page. */
function matches(verdict, page) {
  const items = (verdict?.evidence ?? []).filter((c) => c.matched);
  if (!items.length) return h('p', {}, t('case.noEvidence'));
  return h('ol', { class: 'matches' }, items.map((c) => {
    const text = page?.text;
    let at = -1;
    if (text && c.field === 'html' && Number.isInteger(c.offset) && text.startsWith(c.matched, c.offset)) at = c.offset;
    else if (text) at = text.indexOf(c.matched);
    const snippet = at >= 0
      ? [h('span', { class: 'ctx' }, clean(text.slice(Math.max(0, at - CONTEXT), at))), h('mark', {}, c.matched),
        h('span', { class: 'ctx' }, clean(text.slice(at + c.matched.length, at + c.matched.length + CONTEXT)))]
      : [h('mark', {}, c.matched)];
    return h('li', {}, h('p', { class: 'match-head' }, h('strong', {}, c.detail), ' ', h('span', { class: 'hint' }, t('case.field', { field: c.field ?? '' }))),
      h('p', { class: 'snippet', lang: 'zh-CN' }, snippet));
  }));
}

const clean = (s) => s.replace(/\s+/g, ' ');

function hostsTable(record) {
  const hosts = record.hosts ?? [];
  if (!hosts.length) return h('p', {}, t('common.none'));
  return table(null, [t('queue.domain'), t('queue.band'), t('queue.score'), t('case.screenedAt')],
    hosts.map((x) => [domainName(x.host, x.displayName), bandBadge(x.band), String(x.score), formatTime(x.screenedAt)]));
}

function dnsTable(dns) {
  if (!dns) return h('p', {}, t('case.noData'));
  const rows = (dns.answers ?? []).map((a) => [a.name, String(a.type), `${a.outcome}${a.responseCode ? ` (${a.responseCode})` : ''}`,
    (a.records ?? []).map((r) => h('div', {}, `${r.type} ${r.value} (TTL ${r.ttl})`))]);
  return h('div', {},
    facts([['CNAME', (dns.cnameChain ?? []).join(' → ')], ['IP', (dns.addresses ?? []).join(', ')]]),
    h('div', { class: 'table-wrap' }, table(null, [t('queue.domain'), t('case.dnsType'), t('case.dnsOutcome'), t('case.dnsRecords')], rows)));
}

function redirects(fetch) {
  if (!fetch) return h('p', {}, t('case.noData'));
  const hops = (fetch.attempts ?? []).flatMap((a) => [
    ...(a.hops ?? []).map((x) => [x.url, x.status ? String(x.status) : a.outcome, x.location ?? '', x.address ?? '']),
    ...((a.hops ?? []).length ? [] : [[a.url, a.outcome + (a.error ? `: ${a.error}` : ''), '', '']]),
  ]);
  return h('div', {},
    facts([[t('case.finalUrl'), fetch.finalUrl], ['HTTP', fetch.status ? String(fetch.status) : fetch.outcome], [t('case.title2'), fetch.title]]),
    hops.length ? h('div', { class: 'table-wrap' }, table(null, ['URL', 'HTTP', 'Location', 'IP'], hops)) : null);
}

function tls(cert) {
  if (!cert) return h('p', {}, t('case.noData'));
  return facts([
    [t('case.subject'), cert.subject], [t('case.issuer'), cert.issuer],
    [t('case.validity'), `${formatTime(cert.notBefore)} – ${formatTime(cert.notAfter)}`],
    [t('case.sans'), (cert.subjectAltNames ?? []).join(', ')],
    [t('case.chain'), [cert.chainValid ? t('case.chainOk') : (cert.chainErrors ?? []).join(', '), cert.selfSigned ? ` · ${t('case.selfSigned')}` : ''].join('')],
    ['SHA-256', cert.sha256Thumbprint],
  ]);
}

function registration(reg) {
  if (!reg) return h('p', {}, t('case.noData'));
  return facts([
    [t('case.status'), `${reg.outcome} (${reg.source})`], [t('case.registrar'), reg.registrar], [t('case.created'), formatTime(reg.created)],
    [t('case.expires'), formatTime(reg.expires)], [t('case.abuse'), [reg.abuseEmail, reg.abusePhone].filter(Boolean).join(' · ')],
    ['NS', (reg.nameServers ?? []).join(', ')],
  ]);
}

function headers(fetch) {
  const entries = Object.entries(fetch?.headers ?? {});
  if (!entries.length) return h('p', {}, t('case.noData'));
  return h('div', { class: 'table-wrap' }, table(null, ['Header', 'Value'], entries.map(([k, v]) => [k, h('code', {}, v)])));
}

async function pageText(latest) {
  const sha = latest?.fetch?.bodySha256;
  if (!sha) return null;
  const charset = latest.fetch.charset ? `&charset=${encodeURIComponent(latest.fetch.charset)}` : '';
  try {
    return (await api(`/api/evidence/${sha}?as=text${charset}`)).body;
  } catch {
    return null;
  }
}

async function faviconImage(latest) {
  const sha = latest?.fetch?.favicon?.sha256;
  if (!sha) return null;
  try {
    const image = (await api(`/api/evidence/${sha}?as=image`)).body;
    // A data: URL in an <img>: an SVG icon cannot run script there, and nothing is fetched from the site.
    return h('img', { class: 'favicon', src: `data:${image.mediaType};base64,${image.base64}`, alt: t('case.faviconAlt', { domain: latest.displayName ?? latest.domain }),
      width: '32', height: '32' });
  } catch (error) {
    return error instanceof ApiError ? null : null;
  }
}

/**
 * The stored page as characters in a <pre>: its markup is text, so its scripts never run and its images, styles and
 * frames are never requested. Matched evidence is marked.
 */
function pageView(page, verdict) {
  if (!page) return h('p', {}, t('case.pageNone'));
  const pre = h('pre', { class: 'page-text', tabindex: '0', 'aria-label': t('case.page') });
  const marks = (verdict?.evidence ?? [])
    .filter((c) => c.field === 'html' && c.matched && Number.isInteger(c.offset) && page.text.startsWith(c.matched, c.offset))
    .map((c) => [c.offset, c.offset + c.matched.length])
    .sort((a, b) => a[0] - b[0]);
  let at = 0;
  for (const [start, end] of marks) {
    if (start < at) continue;
    pre.append(page.text.slice(at, start), h('mark', {}, page.text.slice(start, end)));
    at = end;
  }
  pre.append(page.text.slice(at));
  const details = h('details', { class: 'page' }, h('summary', {}, t('case.pageShow')), page.cut ? h('p', { class: 'hint' }, t('case.pageCut')) : null, pre);
  return details;
}

function history(items) {
  if (!items?.length) return h('p', {}, t('common.none'));
  return h('div', { class: 'table-wrap' }, table(null, [t('case.screenedAt'), t('queue.domain'), t('queue.band'), t('queue.score'), t('queue.categories'), t('queue.source')],
    items.map((x) => [formatTime(x.screenedAt), x.host, bandBadge(x.band), String(x.score), (x.categories ?? []).map((c) => label('cat', c)).join('，'),
      `${x.source} ${x.runId ?? ''}`])));
}

export function actionState(a) {
  return h('span', { class: `action-state action-${a.state ?? a.status}` }, label('action.state', a.state ?? a.status));
}

function actionsTable(actions) {
  if (!actions?.length) return h('p', {}, t('case.noActions'));
  return h('div', { class: 'table-wrap' }, table(null, [t('action.kind'), t('action.partner'), t('action.state'), t('action.created'), t('action.ack'), t('action.note')],
    actions.map((a) => h('tr', { dataset: { actionId: a.actionId } },
      h('td', {}, label('action.kind', a.kind)), h('td', {}, a.partnerId), h('td', {}, actionState(a), a.overdue ? h('span', { class: 'warn-tag' }, t('action.overdue')) : null),
      h('td', {}, formatTime(a.createdAt)), h('td', {}, formatTime(a.acknowledgedAt)), h('td', {}, a.note ?? '')))));
}

function events(list, audit) {
  const rows = (list ?? []).map((e) => [formatTime(e.at), e.actorName, e.event, `${label('state', e.fromState)} → ${label('state', e.toState)}`,
    [e.actions?.map((a) => label('action.kind', a)).join('、'), e.note, e.reason].filter(Boolean).join(' · ')]);
  const auditRows = (audit ?? []).map((e) => [formatTime(e.time), e.actorName, e.action, e.target ?? '', e.note ?? '']);
  return h('div', {},
    h('div', { class: 'table-wrap' }, table(null, [t('audit.time'), t('audit.actor'), t('audit.action'), t('case.state'), t('audit.note')], rows)),
    auditRows.length ? h('div', { class: 'table-wrap' }, table(t('nav.audit'), [t('audit.time'), t('audit.actor'), t('audit.action'), t('audit.target'), t('audit.note')], auditRows)) : null);
}

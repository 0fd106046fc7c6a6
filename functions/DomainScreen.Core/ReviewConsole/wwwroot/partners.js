// Partner actions for reviewers (by state, acknowledgements, those waiting too long, the partners themselves for
// admins), and a partner's own page (its actions, acknowledged from here).

import { api, query } from './api.js';
import { h, clear, table } from './dom.js';
import { t, label, formatTime } from './i18n.js';
import { actionState } from './case.js';

const STATES = ['all', 'open', 'dispatched', 'applied', 'failed', 'refused', 'not-effective', 'undeliverable'];

export async function render(main, ctx) {
  if (ctx.view === 'partner') return partnerPage(main, ctx);
  const status = ctx.params.get('status') ?? 'all';
  const overdue = ctx.params.get('overdue') === 'true';
  const list = h('div', {});
  const more = h('button', { type: 'button', hidden: true }, t('common.more'));
  const counts = h('div', { class: 'counts', role: 'group', 'aria-label': t('partners.status') });
  main.append(h('h1', {}, t('partners.title')), counts, list, more);
  let token = null;
  let rows = [];
  let hours = 24;

  async function load(reset) {
    try {
      const body = (await api(`/api/actions${query({ status, overdue: overdue ? 'true' : '', top: 100, continuationToken: reset ? '' : token })}`)).body;
      hours = body.ackTimeoutHours;
      rows = reset ? body.actions : rows.concat(body.actions);
      token = body.continuationToken ?? null;
      more.hidden = !token;
      clear(counts);
      for (const s of STATES) {
        const n = s === 'all' ? Object.values(body.counts).reduce((a, b) => a + b, 0)
          : s === 'open' ? (body.counts.planned ?? 0) + (body.counts.dispatched ?? 0) : body.counts[s] ?? 0;
        counts.append(h('a', { class: `count${s === status && !overdue ? ' active' : ''}`, href: `#/partners${query({ status: s === 'all' ? '' : s })}`,
          'aria-current': s === status && !overdue ? 'true' : null }, `${s === 'all' ? t('state.all') : s === 'open' ? t('action.state.pending') : label('action.state', s)} ${n}`));
      }
      counts.append(h('a', { class: `count${overdue ? ' active' : ''}`, href: `#/partners${query({ overdue: 'true' })}`, 'aria-current': overdue ? 'true' : null },
        t('partners.overdue', { hours })));
      const now = Date.now();
      clear(list).append(rows.length ? h('div', { class: 'table-wrap' }, table(null,
        [t('action.domain'), t('action.kind'), t('action.partner'), t('action.state'), t('action.created'), t('action.ack'), t('action.note')],
        rows.map((a) => [
          h('a', { href: `#/case/${encodeURIComponent(a.caseId)}` }, a.displayName || a.domain),
          label('action.kind', a.kind), a.partnerId,
          h('span', {}, actionState(a), a.overdue ? h('span', { class: 'warn-tag' }, t('action.overdue')) : null,
            a.state === 'dispatched' && a.dispatchedAt ? h('span', { class: 'hint' }, ` ${t('action.waiting', { hours: Math.floor((now - new Date(a.dispatchedAt)) / 3600000) })}`) : null),
          formatTime(a.createdAt), formatTime(a.acknowledgedAt), a.note ?? '']))) : h('p', {}, t('common.none')));
    } catch (error) {
      clear(list).append(h('p', { class: 'error' }, t('common.error', { message: error.message })));
    }
  }
  more.addEventListener('click', () => load(false));
  await load(true);

  if (ctx.has('admin')) {
    try {
      const partners = (await api('/api/partners')).body.partners;
      main.append(h('section', { class: 'panel', 'aria-labelledby': 's-partners' }, h('h2', { id: 's-partners' }, t('partners.list')),
        h('div', { class: 'table-wrap' }, table(null, ['ID', t('allowlist.domain'), t('action.kind'), t('partners.routes'), t('partners.contact')],
          partners.map((p) => [p.partnerId ?? p.id, p.name, p.kinds.map((k) => label('action.kind', k)).join('、'),
            p.routes.all ? t('partners.all') : [...p.routes.tlds.map((x) => `.${x}`), ...p.routes.suffixes].join(', '), p.contact ?? ''])))));
    } catch { /* not fatal */ }
  }
  return null;
}

async function partnerPage(main, ctx) {
  const status = ctx.params.get('status') ?? 'pending';
  const list = h('div', {});
  const filter = h('div', { class: 'counts', role: 'group', 'aria-label': t('partners.status') },
    ['pending', 'applied', 'failed', 'refused', 'not-effective', 'all'].map((s) => h('a', {
      class: `count${s === status ? ' active' : ''}`, href: `#/partner${query({ status: s })}`, 'aria-current': s === status ? 'true' : null,
    }, s === 'all' ? t('state.all') : label('action.state', s))));
  main.append(h('h1', {}, t('partner.title')), h('p', { class: 'hint' }, ctx.me.partnerId ?? ''), filter, list);

  async function ack(actionId, value) {
    try {
      await api(`/api/partner/actions/${encodeURIComponent(actionId)}/ack`, { method: 'POST', body: { status: value } });
      ctx.announce(t('partner.acked', { status: label('action.state', value) }));
      await load();
    } catch (error) {
      ctx.announce(t('common.error', { message: error.message }), 'error');
    }
  }

  async function load() {
    try {
      const actions = (await api(`/api/partner/actions${query({ status })}`)).body.actions;
      clear(list).append(actions.length ? h('div', { class: 'table-wrap' }, table(null,
        [t('action.id'), t('action.domain'), t('action.kind'), t('action.state'), t('action.created'), t('action.note'), ''],
        actions.map((a) => [h('code', {}, a.actionId), a.domain, label('action.kind', a.kind), actionState(a), formatTime(a.createdAt), a.note ?? '',
          a.status === 'pending' ? h('div', { class: 'row' },
            h('button', { type: 'button', onclick: () => ack(a.actionId, 'applied') }, t('partner.ackApplied')),
            h('button', { type: 'button', onclick: () => ack(a.actionId, 'failed') }, t('partner.ackFailed')),
            h('button', { type: 'button', onclick: () => ack(a.actionId, 'refused') }, t('partner.ackRefused'))) : '']))) : h('p', {}, t('common.none')));
    } catch (error) {
      clear(list).append(h('p', { class: 'error' }, t('common.error', { message: error.message })));
    }
  }
  await load();
  return null;
}

// The allowlist (reviewers read it, admins change it) and the audit log (reviewers and admins).

import { api, query } from './api.js';
import { h, clear, table } from './dom.js';
import { t, formatTime } from './i18n.js';
import { domainName } from './queue.js';

export async function render(main, ctx) {
  return ctx.view === 'audit' ? audit(main, ctx) : allowlist(main, ctx);
}

async function allowlist(main, ctx) {
  const admin = ctx.has('admin');
  const list = h('div', {});
  const more = h('button', { type: 'button', hidden: true }, t('common.more'));
  main.append(h('h1', {}, t('allowlist.title')));
  if (admin) {
    const domain = h('input', { id: 'al-domain', required: true, autocomplete: 'off' });
    const reason = h('input', { id: 'al-reason', required: true, autocomplete: 'off', maxlength: '2000' });
    const until = h('input', { id: 'al-until', type: 'date' });
    const form = h('form', { class: 'filters' },
      h('div', { class: 'field' }, h('label', { for: 'al-domain' }, t('allowlist.domain')), domain),
      h('div', { class: 'field' }, h('label', { for: 'al-reason' }, t('allowlist.reason')), reason),
      h('div', { class: 'field' }, h('label', { for: 'al-until' }, t('allowlist.until')), until),
      h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, t('allowlist.add'))));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        const body = { reason: reason.value.trim(), until: until.value ? new Date(`${until.value}T00:00:00Z`).toISOString() : undefined };
        const entry = (await api(`/api/allowlist/${encodeURIComponent(domain.value.trim())}`, { method: 'PUT', body })).body;
        ctx.announce(t('allowlist.added', { domain: entry.displayName || entry.domain }));
        form.reset();
        await load(true);
      } catch (error) {
        ctx.announce(t('common.error', { message: error.message }), 'error');
      }
    });
    main.append(form);
  } else {
    main.append(h('p', { class: 'hint' }, t('allowlist.readOnly')));
  }
  main.append(list, more);
  let token = null;
  let rows = [];

  async function remove(entry) {
    try {
      await api(`/api/allowlist/${encodeURIComponent(entry.domain)}`, { method: 'DELETE' });
      ctx.announce(t('allowlist.removed', { domain: entry.displayName || entry.domain }));
      await load(true);
    } catch (error) {
      ctx.announce(t('common.error', { message: error.message }), 'error');
    }
  }

  async function load(reset) {
    try {
      const body = (await api(`/api/allowlist${query({ top: 100, continuationToken: reset ? '' : token })}`)).body;
      const entries = body.entries ?? body.allowlist ?? [];
      rows = reset ? entries : rows.concat(entries);
      token = body.continuationToken ?? null;
      more.hidden = !token;
      clear(list).append(rows.length ? h('div', { class: 'table-wrap' }, table(null,
        [t('allowlist.domain'), t('allowlist.reason'), t('allowlist.author'), t('allowlist.created'), t('allowlist.until'), admin ? '' : null].filter((x) => x !== null),
        rows.map((e) => [domainName(e.domain, e.displayName), e.reason, e.author, formatTime(e.createdAt), formatTime(e.until),
          admin ? h('button', { type: 'button', onclick: () => remove(e), 'aria-label': `${t('common.remove')} ${e.displayName || e.domain}` }, t('common.remove')) : null]
          .filter((x) => x !== null)))) : h('p', {}, t('allowlist.empty')));
    } catch (error) {
      clear(list).append(h('p', { class: 'error' }, t('common.error', { message: error.message })));
    }
  }
  more.addEventListener('click', () => load(false));
  await load(true);
  return null;
}

async function audit(main) {
  const list = h('div', {});
  const more = h('button', { type: 'button', hidden: true }, t('common.more'));
  main.append(h('h1', {}, t('audit.title')), list, more);
  let token = null;
  let rows = [];
  async function load(reset) {
    try {
      const body = (await api(`/api/audit${query({ top: 100, continuationToken: reset ? '' : token })}`)).body;
      rows = reset ? body.entries : rows.concat(body.entries);
      token = body.continuationToken ?? null;
      more.hidden = !token;
      clear(list).append(h('div', { class: 'table-wrap' }, table(null, [t('audit.time'), t('audit.actor'), t('audit.action'), t('audit.target'), t('audit.note')],
        rows.map((e) => [formatTime(e.time), e.actorName, e.action, e.caseId ? h('a', { href: `#/case/${encodeURIComponent(e.caseId)}` }, e.caseId) : e.target ?? '', e.note ?? '']))));
    } catch (error) {
      clear(list).append(h('p', { class: 'error' }, t('common.error', { message: error.message })));
    }
  }
  more.addEventListener('click', () => load(false));
  await load(true);
  return null;
}

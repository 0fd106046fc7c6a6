// Decisions, for one case (the case page) or many (the queue): the If-Match ETag on every decision, the reason
// dialog for rejections, the confirmation for deregistration, and conflicts explained with who decided first.

import { api, ApiError } from './api.js';
import { h } from './dom.js';
import { t, label } from './i18n.js';

/** Asks for a rejection reason (and allowlisting); resolves {reason, allowlist, allowlistUntil} or null. */
export function askReject(ctx, title) {
  return ctx.openDialog(title, (done) => {
    const reason = h('input', { id: 'reject-reason', type: 'text', required: true, maxlength: '2000', autocomplete: 'off' });
    const allow = h('input', { id: 'reject-allowlist', type: 'checkbox', checked: true });
    const until = h('input', { id: 'reject-until', type: 'date' });
    const form = h('form', { class: 'stack', method: 'dialog' },
      h('label', { for: 'reject-reason' }, t('decide.reason')), reason,
      h('p', { class: 'hint' }, t('decide.reasonNeeded')),
      h('div', { class: 'check' }, allow, h('label', { for: 'reject-allowlist' }, t('decide.allowlist'))),
      h('label', { for: 'reject-until' }, t('decide.until')), until,
      h('div', { class: 'row' },
        h('button', { type: 'submit', class: 'primary' }, t('decide.reject')),
        h('button', { type: 'button', onclick: () => done(null) }, t('common.cancel'))));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!reason.value.trim()) {
        reason.focus();
        return;
      }
      done({
        reason: reason.value.trim(),
        allowlist: allow.checked,
        allowlistUntil: allow.checked && until.value ? new Date(`${until.value}T00:00:00Z`).toISOString() : undefined,
      });
    });
    return form;
  });
}

/** Asks to confirm a deregistration. */
export function confirmDeregister(ctx, domain) {
  return ctx.openDialog(t('decide.deregister'), (done) => h('div', { class: 'stack' },
    h('p', {}, t('decide.confirmDeregister', { domain })),
    h('div', { class: 'row' },
      h('button', { type: 'button', class: 'danger', onclick: () => done(true) }, t('common.confirm')),
      h('button', { type: 'button', onclick: () => done(false) }, t('common.cancel')))));
}

/** Who last changed a case and its state, for "already decided by …". */
async function lastChange(caseId) {
  try {
    const detail = (await api(`/api/cases/${encodeURIComponent(caseId)}`)).body;
    const last = detail.events?.[detail.events.length - 1];
    return { who: last?.actorName ?? t('common.unknown'), state: label('state', detail.state) };
  } catch {
    return { who: t('common.unknown'), state: t('common.unknown') };
  }
}

/**
 * Posts one decision with the case's ETag. Resolves {ok, status, body} and announces the outcome; conflicts (412,
 * 409) are explained with who decided first.
 */
export async function decide(ctx, caseId, etag, body) {
  try {
    const response = await api(`/api/cases/${encodeURIComponent(caseId)}/decision`, { method: 'POST', body, headers: { 'If-Match': etag } });
    if (response.status === 202) ctx.announce(t('decide.pendingSecond'));
    else ctx.announce(t('decide.done', { domain: caseId, state: label('state', response.body.state) }));
    return { ok: true, status: response.status, body: response.body };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.code === 'stale-etag' || (error.status === 409 && error.code === 'invalid-transition')) {
      const { who, state } = await lastChange(caseId);
      ctx.announce(t('decide.conflict', { who, state }), 'error');
    } else if (error.code === 'same-approver') {
      ctx.announce(t('decide.sameApprover'), 'error');
    } else {
      ctx.announce(t('decide.invalid', { message: error.message }), 'error');
    }
    return { ok: false, status: error.status, code: error.code };
  }
}

/** Posts many decisions at once (items carry caseId and etag); announces how many went through. */
export async function decideMany(ctx, items) {
  try {
    const response = await api('/api/cases/decisions', { method: 'POST', body: { decisions: items } });
    const results = response.body.results ?? [];
    const ok = results.filter((r) => r.status < 300).length;
    ctx.announce(t('decide.bulkDone', { ok, failed: results.length - ok }), results.length === ok ? 'info' : 'error');
    return results;
  } catch (error) {
    ctx.announce(t('common.error', { message: error.message }), 'error');
    return [];
  }
}

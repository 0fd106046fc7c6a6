// The console's shell: sign-in, navigation by role, the language toggle, keyboard shortcuts and the help dialog.
// Views live in their own modules and render into <main>; routes are in the URL fragment (#/queue, #/case/x.cn),
// never a key or token.

import { api, ApiError, apiKey, setApiKey } from './api.js';
import { h, clear } from './dom.js';
import { t, lang, setLang } from './i18n.js';
import * as queue from './queue.js';
import * as caseView from './case.js';
import * as sweeps from './sweeps.js';
import * as partners from './partners.js';
import * as admin from './admin.js';

const main = document.getElementById('main');
const dialog = document.getElementById('dialog');
let me = null;
let config = { authMode: 'ApiKeys' };
let view = null;
/** The element the newest navigation renders into (see route). */
let mounted = null;
let statusTimer = 0;

const has = (...roles) => !!me && roles.some((r) => me.roles.includes(r));
const isPartnerOnly = () => !!me && me.roles.length > 0 && me.roles.every((r) => r === 'partner');

const pages = [
  { id: 'queue', label: 'nav.queue', roles: ['reader', 'analyst', 'reviewer', 'admin'], module: queue },
  { id: 'sweeps', label: 'nav.sweeps', roles: ['reader', 'analyst', 'reviewer', 'admin'], module: sweeps },
  { id: 'partners', label: 'nav.partners', roles: ['reviewer', 'admin'], module: partners },
  { id: 'allowlist', label: 'nav.allowlist', roles: ['reviewer', 'admin'], module: admin, view: 'allowlist' },
  { id: 'audit', label: 'nav.audit', roles: ['reviewer', 'admin'], module: admin, view: 'audit' },
  { id: 'partner', label: 'nav.partnerPage', roles: ['partner'], module: partners, view: 'partner' },
];

/** Shows a short message in the live region (read out by screen readers). */
export function announce(text, kind = 'info') {
  const status = document.getElementById('status');
  clear(status);
  status.className = `status ${kind}`;
  status.append(text);
  clearTimeout(statusTimer);
  if (kind !== 'error') statusTimer = setTimeout(() => { clear(status); status.className = 'status'; }, 8000);
}

export function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

/** A modal dialog; resolves with the value `build` passes to `done`, or null when closed. */
export function openDialog(title, build) {
  return new Promise((resolve) => {
    clear(dialog);
    const done = (value) => { dialog.close(); resolve(value); };
    dialog.append(h('h2', { id: 'dialog-title' }, title), build(done));
    dialog.onclose = () => resolve(null);
    dialog.showModal();
    const first = dialog.querySelector('input, textarea, select, button');
    first?.focus();
  });
}

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, search] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { page: parts[0] || '', arg: parts[1], params: new URLSearchParams(search ?? '') };
}

function chrome() {
  document.documentElement.lang = lang();
  document.title = t('app.title');
  document.getElementById('brand').textContent = t('app.title');
  document.getElementById('skip-link').textContent = t('app.skip');
  const toggle = document.getElementById('lang-toggle');
  toggle.textContent = t('lang.toggle');
  toggle.setAttribute('lang', lang() === 'en' ? 'zh-CN' : 'en');
  toggle.setAttribute('aria-label', t('lang.toggleLabel'));
  const nav = document.getElementById('nav');
  nav.setAttribute('aria-label', t('nav.label'));
  clear(nav);
  const current = parseHash().page;
  if (me) {
    const links = pages.filter((p) => has(...p.roles) && (isPartnerOnly() ? p.id === 'partner' : p.id !== 'partner'));
    nav.append(h('ul', {}, links.map((p) => h('li', {},
      h('a', { href: `#/${p.id}`, 'aria-current': current === p.id || (current === 'case' && p.id === 'queue') ? 'page' : null }, t(p.label))))));
  }
  const who = document.getElementById('who');
  who.textContent = me ? t('auth.signedInAs', { name: me.name, roles: me.roles.join(', ') }) : '';
  const signOut = document.getElementById('sign-out');
  signOut.hidden = !me;
  signOut.textContent = t('auth.signOut');
}

function signInView(message) {
  view?.dispose?.();
  view = null;
  mounted = null;
  clear(main);
  chrome();
  const section = h('section', { class: 'signin', 'aria-labelledby': 'signin-title' }, h('h1', { id: 'signin-title' }, t('auth.title')));
  if (message) section.append(h('p', { class: 'error', role: 'alert' }, message));
  if (config.authMode === 'AppService') {
    section.append(h('p', {}, h('a', { class: 'button primary', href: config.loginUrl }, t('auth.entra'))));
  } else {
    const input = h('input', { id: 'api-key', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-describedby': 'api-key-hint' });
    const form = h('form', { class: 'stack' },
      h('label', { for: 'api-key' }, t('auth.key')), input,
      h('p', { id: 'api-key-hint', class: 'hint' }, t('auth.keyHint')),
      h('button', { type: 'submit', class: 'primary' }, t('auth.submit')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const key = input.value.trim();
      if (!key) return;
      setApiKey(key);
      await start();
    });
    section.append(form);
    setTimeout(() => input.focus(), 0);
  }
  main.append(section);
}

async function start() {
  try {
    me = (await api('/api/me')).body;
  } catch (error) {
    me = null;
    const hadKey = !!apiKey();
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      setApiKey(null);
      signInView(hadKey ? t('auth.bad') : null);
      return;
    }
    signInView(t('common.error', { message: error.message }));
    return;
  }
  if (me.roles.length === 0) {
    signInView(t('auth.noRole'));
    return;
  }
  route();
}

async function route() {
  if (!me) return;
  view?.dispose?.();
  view = null;
  const { page, arg, params } = parseHash();
  const fallback = isPartnerOnly() ? 'partner' : 'queue';
  if (!page) {
    location.replace(`#/${fallback}`);
    return;
  }
  chrome();
  // Each navigation renders into its own element. A view still loading when the reviewer moves on (a case page
  // reloading after a decision, then a click on 白名单) finishes into its detached element, never over the new page.
  const mount = h('div', { class: 'view' });
  mounted = mount;
  clear(main).append(mount);
  const ctx = { me, has, params, arg, navigate, announce, openDialog, main: mount };
  let rendered;
  if (page === 'case' && arg && !isPartnerOnly()) {
    rendered = await caseView.render(mount, ctx);
  } else {
    const target = pages.find((p) => p.id === page);
    if (!target || !has(...target.roles) || (isPartnerOnly() && target.id !== 'partner')) {
      mount.append(h('h1', { tabindex: '-1' }, t('forbidden')));
      mount.querySelector('h1').focus();
      return;
    }
    rendered = await target.module.render(mount, { ...ctx, view: target.view });
  }
  if (mounted !== mount) {
    rendered?.dispose?.();
    return;
  }
  view = rendered;
  const heading = mount.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    if (!main.contains(document.activeElement) || document.activeElement === main) heading.focus({ preventScroll: true });
  }
}

function helpDialog() {
  const keys = [['j', 'help.j'], ['k', 'help.k'], ['Enter', 'help.enter'], ['x', 'help.x'], ['a', 'help.a'], ['r', 'help.r'], ['e', 'help.e'],
    ['/', 'help.slash'], ['g', 'help.g'], ['?', 'help.help'], ['Esc', 'help.esc']];
  openDialog(t('help.title'), (done) => h('div', {},
    h('dl', { class: 'keys' }, keys.map(([k, label]) => [h('dt', {}, h('kbd', {}, k)), h('dd', {}, t(label))])),
    h('button', { type: 'button', onclick: () => done(true) }, t('common.close'))));
}

function onKey(event) {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || dialog.open) return;
  const target = event.target;
  const typing = target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  if (typing) return;
  if (!me) return;
  if (event.key === '?') {
    event.preventDefault();
    helpDialog();
    return;
  }
  if (event.key === 'g' && !isPartnerOnly()) {
    event.preventDefault();
    navigate('#/queue');
    return;
  }
  if (view?.onKey?.(event)) event.preventDefault();
}

document.getElementById('lang-toggle').addEventListener('click', () => {
  setLang(lang() === 'en' ? 'zh-CN' : 'en');
  if (me) route();
  else signInView();
});

document.getElementById('sign-out').addEventListener('click', () => {
  setApiKey(null);
  me = null;
  if (config.authMode === 'AppService') location.href = '/.auth/logout?post_logout_redirect_uri=/review/';
  else {
    location.hash = '';
    signInView();
  }
});

window.addEventListener('hashchange', route);
document.addEventListener('keydown', onKey);

(async () => {
  setLang(lang());
  try {
    const response = await fetch('config.json', { cache: 'no-store' });
    if (response.ok) config = await response.json();
  } catch { /* defaults */ }
  await start();
})();

// Building DOM from data without ever parsing it as HTML: every string becomes a text node, so a hostile page's
// text (a title with <script>, a header value with an <img>) is shown as characters and never runs or loads.

/** h('a', {href, class, onclick, 'aria-label'}, child, …): children are nodes, strings (text), arrays or null. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

/** A definition list from [label, value] pairs (values may be nodes); empty values are left out. */
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

/** A table with column headers (scope=col) and rows of cells (strings or nodes). */
export function table(caption, headers, rows, attrs) {
  return h('table', attrs ?? {},
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.map((cells) => (cells instanceof Node ? cells : h('tr', {}, cells.map((c) => h('td', {}, c)))))));
}

/**
 * Scripts of a label's letters, and whether they mix in a way a look-alike would (Unicode TR39 "highly
 * restrictive": one script, or Latin with Han and Japanese kana, with Han and Bopomofo, or with Han and Hangul).
 */
const SCRIPTS = ['Latin', 'Cyrillic', 'Greek', 'Han', 'Hiragana', 'Katakana', 'Hangul', 'Bopomofo', 'Arabic', 'Hebrew', 'Armenian', 'Georgian', 'Thai', 'Cherokee'];
const PATTERNS = SCRIPTS.map((s) => [s, new RegExp(`\\p{Script=${s}}`, 'u')]);
const ALLOWED = [['Latin', 'Han', 'Hiragana', 'Katakana'], ['Latin', 'Han', 'Bopomofo'], ['Latin', 'Han', 'Hangul']];

export function mixedScript(name) {
  return String(name ?? '').split('.').some((labelText) => {
    const found = new Set();
    for (const ch of labelText) {
      if (/[\p{Script=Common}\p{Script=Inherited}]/u.test(ch)) continue;
      const hit = PATTERNS.find(([, re]) => re.test(ch));
      if (hit) found.add(hit[0]);
      else if (/\p{L}/u.test(ch)) found.add('Other');
    }
    if (found.size <= 1) return false;
    return !ALLOWED.some((set) => [...found].every((s) => set.includes(s)));
  });
}

const UNRESERVED = /[A-Za-z0-9_.~-]/;
const encoder = new TextEncoder();

/** Python's quote_plus: UTF-8 bytes, unreserved characters kept, space as '+', the rest %XX. */
function quotePlus(value: string): string {
  let out = '';
  for (const byte of encoder.encode(value)) {
    const ch = String.fromCharCode(byte);
    if (byte < 0x80 && UNRESERVED.test(ch)) out += ch;
    else if (byte === 0x20) out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Whether the URL's query already has an `_escaped_fragment_` parameter. */
export function hasEscapedFragment(url: string): boolean {
  const q = url.indexOf('?');
  if (q < 0) return false;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  return query.split('&').some((pair) => pair === '_escaped_fragment_' || pair.startsWith('_escaped_fragment_='));
}

/**
 * w3lib's escape_ajax: the "AJAX crawlable" form of a `#!` URL (Google's retired scheme):
 * `page#!key=value` → `page?_escaped_fragment_=key%3Dvalue`. Other URLs come back unchanged.
 * Unlike w3lib, the other query parameters are kept exactly as they were instead of re-encoded.
 */
export function escapeAjax(url: string): string {
  const hash = url.indexOf('#');
  if (hash < 0 || url.charCodeAt(hash + 1) !== 0x21 /* ! */) return url;
  const base = url.slice(0, hash);
  const value = `_escaped_fragment_=${quotePlus(url.slice(hash + 2))}`;
  const q = base.indexOf('?');
  if (q < 0) return `${base}?${value}`;
  const pairs = base.slice(q + 1).split('&');
  let replaced = false;
  const kept: string[] = [];
  for (const pair of pairs) {
    if (pair === '') continue;
    if (pair === '_escaped_fragment_' || pair.startsWith('_escaped_fragment_=')) {
      if (!replaced) kept.push(value);
      replaced = true;
    } else kept.push(pair);
  }
  if (!replaced) kept.push(value);
  return `${base.slice(0, q)}?${kept.join('&')}`;
}

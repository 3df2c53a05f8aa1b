/**
 * Finds `<meta name="fragment" content="!">` in the head of an HTML document without regular
 * expressions (advisory S11: no backtracking over untrusted bodies). One forward pass over at
 * most `limit` bytes: comments and the contents of raw-text elements (script, style, …) are
 * skipped, tags are read attribute by attribute, and the scan stops at `<body` or `</head`.
 * Works on the bytes of any ASCII-compatible encoding (UTF-8, Latin-1, windows-125x …).
 */

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const EQ = 0x3d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const QMARK = 0x3f;

// Elements whose content is not markup: a `<meta` inside them is text.
const RAW_TEXT = new Set(['script', 'noscript', 'style', 'textarea', 'title', 'xmp', 'template']);

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0c || b === 0x0d;
}

function isNameByte(b: number): boolean {
  return !isSpace(b) && b !== GT && b !== SLASH && b !== EQ && b !== LT;
}

function lower(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b + 0x20 : b;
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

function lowerLatin1(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(lower(bytes[i]!));
  return s;
}

const NAMED: Record<string, string> = { excl: '!', amp: '&', quot: '"', apos: "'", lt: '<', gt: '>' };

/** Decodes the character references that could spell "fragment" or "!" (Scrapy replaces entities first). */
function decodeEntities(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(/&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,6});?/g, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

/** Position just after the next `>` at or after `from` that is not inside a quoted attribute value, or -1. */
function skipTag(bytes: Uint8Array, from: number, limit: number): number {
  let quote = 0;
  for (let i = from; i < limit; i++) {
    const b = bytes[i]!;
    if (quote !== 0) {
      if (b === quote) quote = 0;
    } else if (b === DQUOTE || b === SQUOTE) quote = b;
    else if (b === GT) return i + 1;
  }
  return -1;
}

/** Position after the `>` of `</name…>`, searching from `from`, or -1. */
function skipRawText(bytes: Uint8Array, name: string, from: number, limit: number): number {
  let i = from;
  while (i < limit) {
    const lt = bytes.indexOf(LT, i);
    if (lt < 0 || lt + 2 + name.length > limit) return -1;
    if (bytes[lt + 1] === SLASH && lowerLatin1(bytes, lt + 2, lt + 2 + name.length) === name) {
      const after = bytes[lt + 2 + name.length];
      if (after === undefined || isSpace(after) || after === GT || after === SLASH) {
        const end = bytes.indexOf(GT, lt + 2 + name.length);
        return end < 0 || end >= limit ? -1 : end + 1;
      }
    }
    i = lt + 1;
  }
  return -1;
}

/** Reads a tag's attributes from just after its name; returns the `>` position + 1 (or -1) and the attributes seen. */
function readAttributes(bytes: Uint8Array, from: number, limit: number, wanted: (name: string, value: string) => void): number {
  let i = from;
  while (i < limit) {
    const b = bytes[i]!;
    if (b === GT) return i + 1;
    if (isSpace(b) || b === SLASH) {
      i++;
      continue;
    }
    const nameStart = i;
    while (i < limit && isNameByte(bytes[i]!)) i++;
    if (i === nameStart) {
      // A stray '=' or '<': skip it, as a browser would (without looping forever).
      i++;
      continue;
    }
    const name = lowerLatin1(bytes, nameStart, i);
    while (i < limit && isSpace(bytes[i]!)) i++;
    if (bytes[i] !== EQ) {
      wanted(name, '');
      continue;
    }
    i++;
    while (i < limit && isSpace(bytes[i]!)) i++;
    if (i >= limit) return -1;
    const q = bytes[i]!;
    let value: string;
    if (q === DQUOTE || q === SQUOTE) {
      const close = bytes.indexOf(q, i + 1);
      if (close < 0 || close >= limit) return -1;
      value = latin1(bytes, i + 1, close);
      i = close + 1;
    } else {
      const start = i;
      while (i < limit && !isSpace(bytes[i]!) && bytes[i] !== GT) i++;
      value = latin1(bytes, start, i);
    }
    wanted(name, value);
  }
  return -1;
}

export function hasAjaxCrawlableMeta(body: Uint8Array, maxSize: number): boolean {
  const limit = Math.min(body.byteLength, maxSize);
  // A Buffer view (no copy) bounded to the limit: its indexOf finds strings and never looks past it.
  const bytes = Buffer.from(body.buffer, body.byteOffset, limit);
  let i = 0;
  while (i < limit) {
    const lt = bytes.indexOf(LT, i);
    if (lt < 0 || lt + 1 >= limit) return false;
    const next = bytes[lt + 1]!;
    if (next === BANG || next === QMARK) {
      // Comment (`<!-- … -->`), doctype or processing instruction.
      if (next === BANG && bytes[lt + 2] === 0x2d && bytes[lt + 3] === 0x2d) {
        const end = bytes.indexOf('-->', lt + 4, 'latin1');
        if (end < 0) return false;
        i = end + 3;
      } else {
        i = skipTag(bytes, lt + 2, limit);
        if (i < 0) return false;
      }
      continue;
    }
    const closing = next === SLASH;
    const nameStart = closing ? lt + 2 : lt + 1;
    let nameEnd = nameStart;
    while (nameEnd < limit && isNameByte(bytes[nameEnd]!)) nameEnd++;
    if (nameEnd === nameStart) {
      i = lt + 1;
      continue;
    }
    const name = lowerLatin1(bytes, nameStart, nameEnd);
    if (closing) {
      if (name === 'head') return false;
      i = skipTag(bytes, nameEnd, limit);
      if (i < 0) return false;
      continue;
    }
    if (name === 'body') return false;
    if (name === 'meta') {
      let metaName: string | undefined;
      let content: string | undefined;
      i = readAttributes(bytes, nameEnd, limit, (attr, value) => {
        if (attr === 'name' && metaName === undefined) metaName = value;
        else if (attr === 'content' && content === undefined) content = value;
      });
      if (i < 0) return false;
      if (metaName !== undefined && content !== undefined && decodeEntities(metaName).toLowerCase() === 'fragment' && decodeEntities(content) === '!') return true;
      continue;
    }
    i = skipTag(bytes, nameEnd, limit);
    if (i < 0) return false;
    if (RAW_TEXT.has(name)) {
      i = skipRawText(bytes, name, i, limit);
      if (i < 0) return false;
    }
  }
  return false;
}

/**
 * Encodes text in a legacy encoding, for form fields: Scrapy (like browsers) url-encodes form
 * data in the page's encoding, and Node's TextEncoder only writes UTF-8. The reverse tables are
 * built once per encoding from TextDecoder itself, so both directions agree.
 */
import { decodeWith, normalizeEncoding } from './encoding.js';

const utf8 = new TextEncoder();
// ASCII-compatible multi-byte encodings whose characters are one or two bytes (WHATWG names).
const DOUBLE_BYTE = new Set(['shift_jis', 'euc-jp', 'gbk', 'gb18030', 'big5', 'euc-kr']);
// Encodings forms are submitted in as UTF-8: Unicode ones, and the stateful ISO-2022-JP.
const AS_UTF8 = new Set(['utf-8', 'utf-16le', 'utf-16be', 'replacement', 'iso-2022-jp']);

const tables = new Map<string, Map<string, number>>();

function tableFor(encoding: string): Map<string, number> {
  let table = tables.get(encoding);
  if (table !== undefined) return table;
  table = new Map();
  const double = DOUBLE_BYTE.has(encoding);
  const one = new Uint8Array(1);
  for (let b = 0x80; b <= 0xff; b++) {
    one[0] = b;
    const s = decodeWith(encoding, one);
    if (s.length === 1 && s !== '\ufffd' && !table.has(s)) table.set(s, b);
  }
  if (double) {
    const decoder = new TextDecoder(encoding);
    const two = new Uint8Array(2);
    for (let lead = 0x81; lead <= 0xfe; lead++) {
      // Shift_JIS's NEC-selected IBM extensions duplicate rows FA-FC; encoders use the latter.
      if (encoding === 'shift_jis' && (lead === 0xed || lead === 0xee)) continue;
      for (let trail = 0x40; trail <= 0xfe; trail++) {
        two[0] = lead;
        two[1] = trail;
        const s = decoder.decode(two);
        if (s !== '' && !s.includes('\ufffd') && [...s].length === 1 && !table.has(s)) table.set(s, (lead << 8) | trail);
      }
    }
  }
  tables.set(encoding, table);
  return table;
}

/**
 * `text` as bytes in `encoding` (a label; unknown labels and Unicode encodings give UTF-8).
 * Characters the encoding cannot represent become `&#N;`, as browsers submit them.
 */
export function encodeText(text: string, encoding: string | undefined): Uint8Array {
  const name = normalizeEncoding(encoding);
  // eslint-disable-next-line no-control-regex
  if (name === undefined || AS_UTF8.has(name) || /^[\u0000-\u007f]*$/.test(text)) return utf8.encode(text);
  const table = tableFor(name);
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) {
      out.push(code);
      continue;
    }
    const mapped = table.get(ch);
    if (mapped === undefined) for (const c of `&#${code};`) out.push(c.charCodeAt(0));
    else if (mapped > 0xff) out.push(mapped >> 8, mapped & 0xff);
    else out.push(mapped);
  }
  return Uint8Array.from(out);
}

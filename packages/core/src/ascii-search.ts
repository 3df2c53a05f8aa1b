/**
 * Case-insensitive search for an ASCII word in raw bytes, without decoding them: a body in an
 * encoding that writes ASCII as ASCII bytes (UTF-8, windows-1252 and every other WHATWG encoding
 * but UTF-16) can only contain the word in its text if its bytes contain it.
 */

const isAsciiLetter = (c: number): boolean => (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;

/** Throws unless `word` is non-empty printable ASCII (what the byte search is exact for). */
export function assertAsciiWord(word: string): void {
  if (!/^[\x20-\x7e]+$/.test(word)) throw new TypeError(`Expected a non-empty word of printable ASCII characters, got ${JSON.stringify(word)}`);
}

function matchesAt(bytes: Uint8Array, start: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const b = bytes[start + i]!;
    const c = word.charCodeAt(i);
    if (b !== c && !(isAsciiLetter(c) && (b | 0x20) === (c | 0x20))) return false;
  }
  return true;
}

/**
 * Whether `bytes` contain `word` (printable ASCII) in any letter case. The native indexOf finds
 * candidates by one anchor byte: the word's first character that is not a letter, else its first
 * letter in both cases; each candidate is then compared in full.
 */
export function bytesIncludeAsciiCaseless(bytes: Uint8Array, word: string): boolean {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let anchor = 0;
  while (anchor < word.length && isAsciiLetter(word.charCodeAt(anchor))) anchor++;
  if (anchor === word.length) anchor = 0;
  const c = word.charCodeAt(anchor);
  const variants = isAsciiLetter(c) ? [c | 0x20, c & ~0x20] : [c];
  const last = buf.length - word.length + anchor;
  for (const variant of variants) {
    for (let at = buf.indexOf(variant, anchor); at >= 0 && at <= last; at = buf.indexOf(variant, at + 1)) {
      if (matchesAt(buf, at - anchor, word)) return true;
    }
  }
  return false;
}

const patterns = new Map<string, RegExp>();

/** Whether `text` contains `word` (printable ASCII) in any ASCII letter case: `/word/i`. */
export function textIncludesAsciiCaseless(text: string, word: string): boolean {
  let pattern = patterns.get(word);
  if (pattern === undefined) {
    // Without the u flag, /i folds only ASCII letters onto ASCII ones (not the Kelvin sign onto k).
    pattern = new RegExp(word.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&'), 'i');
    if (patterns.size < 64) patterns.set(word, pattern);
  }
  return pattern.test(text);
}

import { describe, expect, it } from 'vitest';
import { bytesIncludeAsciiCaseless } from '../src/ascii-search.js';
import { HtmlResponse, TextResponse } from '../src/index.js';

const latin1 = (s: string) => Buffer.from(s, 'latin1');
const html = (body: Uint8Array, headers: Record<string, string> = {}) => new HtmlResponse('http://a.test/', { headers, body });

describe('bytesIncludeAsciiCaseless', () => {
  it('finds the word in any letter case, anchored on a non-letter or on the first letter', () => {
    for (const text of ['<meta http-equiv="refresh">', '<META HTTP-EQUIV=REFRESH>', 'x Http-Equiv', 'hTTP-eQUIV']) {
      expect(bytesIncludeAsciiCaseless(latin1(text), 'http-equiv'), text).toBe(true);
    }
    expect(bytesIncludeAsciiCaseless(latin1('see Refresh now'), 'refresh')).toBe(true);
    expect(bytesIncludeAsciiCaseless(latin1('REFRESH'), 'refresh')).toBe(true);
    expect(bytesIncludeAsciiCaseless(latin1('refres'), 'refresh')).toBe(false);
  });

  it('compares the rest of the word exactly (non-letters are not case-folded) and respects both ends', () => {
    expect(bytesIncludeAsciiCaseless(latin1('http_equiv http-equi'), 'http-equiv')).toBe(false);
    expect(bytesIncludeAsciiCaseless(latin1('-equiv'), 'http-equiv')).toBe(false); // anchor before the word could start
    expect(bytesIncludeAsciiCaseless(latin1('http-'), 'http-equiv')).toBe(false); // anchor too close to the end
    expect(bytesIncludeAsciiCaseless(latin1('http-equiv'), 'http-equiv')).toBe(true);
    expect(bytesIncludeAsciiCaseless(latin1('a@b'), 'A@B')).toBe(true);
    expect(bytesIncludeAsciiCaseless(latin1('a`b'), 'a@b')).toBe(false); // 0x60 | 0x20 is 0x60, not a letter fold
    expect(bytesIncludeAsciiCaseless(latin1('http-http-equiv'), 'http-equiv')).toBe(true); // second candidate
  });

  it('searches only the view it is given', () => {
    const whole = latin1('http-equiv|zzzz|http-equiv');
    expect(bytesIncludeAsciiCaseless(whole.subarray(11, 15), 'http-equiv')).toBe(false);
    expect(bytesIncludeAsciiCaseless(new Uint8Array(whole.buffer, whole.byteOffset + 16, 10), 'http-equiv')).toBe(true);
  });
});

describe('TextResponse.textIncludesAscii()', () => {
  it('agrees with /word/i on the decoded text', () => {
    const r = html(Buffer.from('<p>Caf\u00e9</p><meta HTTP-EQUIV="refresh" content="0; url=/x">'));
    expect(r.textIncludesAscii('http-equiv')).toBe(true);
    expect(r.textIncludesAscii('url=/x')).toBe(true);
    expect(r.textIncludesAscii('url=/y')).toBe(false);
    expect(r.textIncludesAscii('p.c')).toBe(false); // not a pattern: '.' is a dot
  });

  it('answers a miss from the bytes, without decoding the text', () => {
    const body = Buffer.from('<p>no marker here</p>');
    const r = html(body);
    expect(r.textIncludesAscii('http-equiv')).toBe(false);
    // Not decoded yet: the text read now is decoded from the bytes as they are now.
    body.write('<p>changed', 0, 'latin1');
    expect(r.text.startsWith('<p>changed')).toBe(true);
  });

  it('decodes UTF-16, whose bytes do not hold ASCII words as ASCII', () => {
    const withBom = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<meta http-equiv="refresh">', 'utf16le')]);
    expect(html(withBom).textIncludesAscii('http-equiv')).toBe(true);
    const declared = Buffer.from('<meta http-equiv="refresh">', 'utf16le');
    expect(html(declared, { 'Content-Type': 'text/html; charset=utf-16le' }).textIncludesAscii('HTTP-EQUIV')).toBe(true);
  });

  it('checks the text when the bytes match inside a multi-byte character', () => {
    // 0x81 0x68 is one Shift_JIS character whose second byte is "h".
    const r = html(Buffer.from([0x81, 0x68]), { 'Content-Type': 'text/html; charset=shift_jis' });
    expect(r.textIncludesAscii('h')).toBe(false);
    expect(r.text).not.toContain('h');
  });

  it('does not fold non-ASCII letters onto ASCII ones, as /k/i does not', () => {
    const r = new TextResponse('http://a.test/', { body: Buffer.from('\u212a'), headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    expect(r.textIncludesAscii('k')).toBe(/k/i.test(r.text));
    expect(r.textIncludesAscii('k')).toBe(false);
  });

  it('rejects words it cannot search for exactly', () => {
    const r = html(Buffer.from('<p>x</p>'));
    expect(() => r.textIncludesAscii('')).toThrow(TypeError);
    expect(() => r.textIncludesAscii('caf\u00e9')).toThrow(/printable ASCII/);
  });
});

describe('releaseDocument() and the decoded text', () => {
  it('lets the decoded text go: it is decoded again, with the same result, when asked for', () => {
    const body = Buffer.from('<h1>one</h1>');
    const r = html(body);
    expect(r.text).toBe('<h1>one</h1>');
    expect(r.css('h1::text').get()).toBe('one');
    r.releaseDocument();
    expect(r.text).toBe('<h1>one</h1>');
    // Decoded again from the bytes (changed here only to observe that it was let go).
    r.releaseDocument();
    body.write('<h1>two', 0, 'latin1');
    expect(r.text).toBe('<h1>two</h1>');
    expect(r.encoding).toBe('utf-8');
  });
});

/**
 * Text decoding for responses, in Scrapy's order: an explicit encoding, the Content-Type
 * charset (unknown names ignored), the body's own declaration (<meta charset>,
 * <meta http-equiv="Content-Type">, XML declaration), then inference: UTF-8 when the bytes are
 * valid UTF-8, else windows-1252. A byte-order mark overrides all of these for decoding, as in
 * Scrapy's html_to_unicode and in browsers.
 * Node's TextDecoder (full ICU) does the decoding; labels are WHATWG encoding labels.
 */

/** The WHATWG name for an encoding label, or undefined when Node does not know it. */
export function normalizeEncoding(label: string | undefined | null): string | undefined {
  if (!label) return undefined;
  try {
    return new TextDecoder(label.trim().toLowerCase()).encoding;
  } catch {
    return undefined;
  }
}

export function charsetFromContentType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const match = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType);
  return normalizeEncoding(match?.[1]);
}

export function encodingFromBom(body: Uint8Array): { encoding: string; length: number } | undefined {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (body[0] === 0xff && body[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (body[0] === 0xfe && body[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return undefined;
}

const SNIFF_BYTES = 4096;
// Bounded input and no nested quantifiers: these cannot backtrack badly on hostile bodies.
const TAG_START = /<\s*(meta|\?xml|body)(?=[\s/>])/gi;
const ATTRIBUTE = /([^\s=<>/"'\u0000-\u001f\u007f]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^'"\s>]+)))?/g;
const CHARSET_VALUE = /^\s*([\w-]+)/;
const CONTENT_CHARSET = /;\s*charset=([\w-]+)/i;
const XML_ENCODING = /encoding\s*=\s*["']?\s*([\w-]+)/i;
const MAX_TAG = 1024;

/** The charset a <meta> tag declares: `charset=…`, or http-equiv="Content-Type" with content="…; charset=…". */
function metaCharset(tag: string): string | null | undefined {
  let charset: string | undefined;
  let httpEquiv: string | undefined;
  let content: string | undefined;
  for (const m of tag.matchAll(ATTRIBUTE)) {
    const name = m[1]!.toLowerCase();
    const value = m[2] ?? m[3] ?? m[4] ?? '';
    if (name === 'charset') charset ??= value;
    else if (name === 'http-equiv') httpEquiv ??= value;
    else if (name === 'content') content ??= value;
  }
  if (charset !== undefined) return CHARSET_VALUE.exec(charset)?.[1] ?? null;
  if (httpEquiv?.trim().toLowerCase() === 'content-type' && content !== undefined) return CONTENT_CHARSET.exec(content)?.[1] ?? null;
  return undefined;
}

/**
 * The encoding a body declares in its first 4 KiB, as w3lib's html_body_declared_encoding finds
 * it: the first <meta> that declares a charset or the XML declaration, searching no further than
 * <body>. An unknown name gives undefined (the caller goes on to inference).
 */
export function encodingFromBody(body: Uint8Array): string | undefined {
  const head = latin1(body.subarray(0, SNIFF_BYTES));
  for (const m of head.matchAll(TAG_START)) {
    const kind = m[1]!.toLowerCase();
    if (kind === 'body') return undefined;
    const start = m.index + m[0].length;
    const close = head.indexOf('>', start);
    const tag = head.slice(start, close < 0 ? Math.min(head.length, start + MAX_TAG) : Math.min(close, start + MAX_TAG));
    if (kind === '?xml') {
      const enc = XML_ENCODING.exec(tag)?.[1];
      if (enc !== undefined) return normalizeEncoding(enc);
      continue;
    }
    const declared = metaCharset(tag);
    if (declared === null) return undefined;
    if (declared !== undefined) return normalizeEncoding(declared);
  }
  return undefined;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

const utf8Fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export interface DecodedText {
  readonly text: string;
  readonly encoding: string;
}

/** An encoding known before decoding, and the length of the byte-order mark that named it (0 if none). */
export interface DeclaredEncoding {
  readonly encoding: string;
  readonly bomLength: number;
}

export interface DecodeHints {
  explicit?: string | undefined;
  contentType?: string | undefined;
  sniffBody?: boolean;
}

/**
 * The encoding decodeBody() uses when it is known before decoding: a byte-order mark's, else the
 * explicit encoding, the Content-Type charset or the body's own declaration. Undefined when it is
 * inferred from the bytes (UTF-8 if they are valid UTF-8, else windows-1252).
 */
export function declaredEncoding(body: Uint8Array, hints: DecodeHints): DeclaredEncoding | undefined {
  const bom = encodingFromBom(body);
  if (bom) return { encoding: bom.encoding, bomLength: bom.length };
  const declared =
    normalizeEncoding(hints.explicit) ??
    charsetFromContentType(hints.contentType) ??
    (hints.sniffBody === false ? undefined : encodingFromBody(body));
  return declared ? { encoding: declared, bomLength: 0 } : undefined;
}

/** Decodes a body (see the top of this file). */
export function decodeBody(body: Uint8Array, hints: DecodeHints): DecodedText {
  return decodeDeclared(body, declaredEncoding(body, hints));
}

/**
 * decodeBody() for a caller that has declaredEncoding()'s answer already (undefined or null: the
 * encoding is inferred from the bytes), so the body is not sniffed twice.
 */
export function decodeDeclared(body: Uint8Array, declared: DeclaredEncoding | null | undefined): DecodedText {
  if (declared) return { text: decodeWith(declared.encoding, declared.bomLength > 0 ? body.subarray(declared.bomLength) : body), encoding: declared.encoding };
  try {
    return { text: utf8Fatal.decode(body), encoding: 'utf-8' };
  } catch {
    return { text: decodeWith('windows-1252', body), encoding: 'windows-1252' };
  }
}

// windows-1252 code points for bytes 0x80-0x9F (undefined bytes map to the C1 control, as WHATWG says).
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/** Node 20's TextDecoder decodes windows-1252 as ISO-8859-1 (0x80 → U+0080, not €); map those 32 bytes ourselves. */
function decodeWindows1252(body: Uint8Array): string {
  const latin = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  return latin.replace(/[\u0080-\u009f]/g, (c) => String.fromCharCode(CP1252_HIGH[c.charCodeAt(0) - 0x80]!));
}

/** Decodes with a WHATWG encoding name, windows-1252 included (see decodeWindows1252). */
export function decodeWith(encoding: string, body: Uint8Array): string {
  if (encoding === 'windows-1252') return decodeWindows1252(body);
  // Undecodable bytes become U+FFFD rather than failing the response, as browsers do.
  return new TextDecoder(encoding, { ignoreBOM: true }).decode(body);
}

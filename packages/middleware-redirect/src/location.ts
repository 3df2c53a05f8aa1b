const HIGH_BYTE = /[\x80-\xff]/;
const BEYOND_LATIN1 = /[^\x00-\xff]/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Percent-encodes every byte >= 0x80: the raw bytes survive whatever their charset was. */
function percentEncodeHighBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b < 0x80 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase()}`;
  return out;
}

/**
 * The URL a Location header points to, resolved against `base`, or undefined when it does not
 * parse. Header values arrive one character per byte (latin-1); like w3lib's safe_url_string, a
 * value that is valid UTF-8 is read as UTF-8 (so the WHATWG parser percent-encodes it as UTF-8
 * and IDNA-encodes a non-ASCII host), and any other high byte is percent-encoded as it is.
 */
export function resolveLocation(location: string, base: string): URL | undefined {
  let value = location;
  // Characters past U+00FF cannot come off the wire: the value was built in process, as text.
  if (HIGH_BYTE.test(value) && !BEYOND_LATIN1.test(value)) {
    const bytes = Buffer.from(value, 'latin1');
    try {
      value = strictUtf8.decode(bytes);
    } catch {
      value = percentEncodeHighBytes(bytes);
    }
  }
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
}

/** Redirects and meta refreshes may only lead to http and https (security advisory S8). */
export function isFollowableScheme(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}

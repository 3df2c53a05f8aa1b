import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalizeUrl, fingerprint, Request } from '../src/index.js';

/**
 * Expected values computed by Scrapy/w3lib themselves: see fixtures/gen-fingerprints.py
 * (`/usr/bin/python3 test/fixtures/gen-fingerprints.py > test/fixtures/fingerprints.json`).
 */
interface RequestCase {
  name: string;
  url: string;
  method?: string;
  body?: string;
  bodyHex?: string;
  headers?: Record<string, string[]>;
  includeHeaders?: string[];
  keepFragments?: boolean;
  scrapyUrl: string;
  canonicalUrl: string;
  fingerprint: string;
}
interface CanonicalCase {
  url: string;
  keepFragments?: boolean;
  expected: string;
}
const table = JSON.parse(readFileSync(new URL('./fixtures/fingerprints.json', import.meta.url), 'utf8')) as {
  scrapy: string;
  requests: RequestCase[];
  canonical: CanonicalCase[];
};

function requestFor(c: RequestCase): Request {
  const body = c.bodyHex !== undefined ? new Uint8Array(Buffer.from(c.bodyHex, 'hex')) : c.body;
  return new Request(c.url, { ...(c.method ? { method: c.method } : {}), ...(body !== undefined ? { body } : {}), ...(c.headers ? { headers: c.headers } : {}) });
}

function optionsFor(c: { includeHeaders?: string[]; keepFragments?: boolean }) {
  return { ...(c.includeHeaders ? { includeHeaders: c.includeHeaders } : {}), ...(c.keepFragments ? { keepFragments: true } : {}) };
}

describe(`fingerprints equal Scrapy ${table.scrapy}'s`, () => {
  it('has at least 30 request cases', () => {
    expect(table.requests.length).toBeGreaterThanOrEqual(30);
  });

  it.each(table.requests.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const request = requestFor(c);
    expect(fingerprint(request, optionsFor(c))).toBe(c.fingerprint);
  });
});

describe("canonicalizeUrl equals w3lib's canonicalize_url", () => {
  it.each(table.canonical.map((c) => [c.url, c] as const))('%j', (_url, c) => {
    expect(canonicalizeUrl(c.url, optionsFor(c))).toBe(c.expected);
  });

  it.each(table.requests.map((c) => [c.scrapyUrl, c] as const))('%s (as Scrapy stores the request URL)', (_url, c) => {
    expect(canonicalizeUrl(c.scrapyUrl, optionsFor(c))).toBe(c.canonicalUrl);
  });
});

describe('fingerprints of the same page under different anchors', () => {
  // The memo of recent digests is keyed without the fragment: each variant, whichever comes
  // first, must still give Scrapy's digest for its own URL.
  const plain = table.requests.filter((c) => !c.keepFragments && !c.includeHeaders && c.method === undefined && c.body === undefined && c.bodyHex === undefined);

  it('has plain GET cases', () => {
    expect(plain.length).toBeGreaterThanOrEqual(10);
  });

  it.each(plain.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const base = new Request(c.url).url.split('#')[0]!;
    for (const url of [`${base}#memo-a`, base, `${base}#memo-b?x=1#y`, `${base}#`]) {
      expect(fingerprint(new Request(url))).toBe(c.fingerprint);
    }
    expect(fingerprint(new Request(`${base}#memo-a`), { keepFragments: true })).not.toBe(fingerprint(new Request(`${base}#memo-b`), { keepFragments: true }));
  });
});

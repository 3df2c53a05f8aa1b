import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as esm from '../src/index.js';

describe('errors', () => {
  it('carry codes and match by brand across copies', async () => {
    const e = new esm.IgnoreRequest('nope');
    expect(e).toBeInstanceOf(esm.CrawlError);
    expect(e).toBeInstanceOf(esm.IgnoreRequest);
    expect(e).not.toBeInstanceOf(esm.DropItem);
    expect(e.code).toBe('CRAWL_IGNORE_REQUEST');
    expect(e.name).toBe('IgnoreRequest');
    expect(new Error('x')).not.toBeInstanceOf(esm.CrawlError);
    expect(new esm.HttpError({ status: 404, url: 'http://a.test/' })).toBeInstanceOf(esm.IgnoreRequest);
    // The built CommonJS copy is a different class identity: the brand still matches.
    const require = createRequire(import.meta.url);
    const cjs = require('../dist/index.cjs') as typeof esm;
    expect(new cjs.DnsLookupError('http://x.invalid/', 'no such host')).toBeInstanceOf(esm.DownloadError);
    expect(new cjs.DnsLookupError('http://x.invalid/', 'no such host')).not.toBeInstanceOf(esm.DownloadTimeoutError);
    expect(e).toBeInstanceOf(cjs.IgnoreRequest);
    expect(new cjs.DnsLookupError('http://x.invalid/', 'no such host').name).toBe('DnsLookupError');
  });

  it('wrap causes and name the URL', () => {
    const cause = new Error('ETIMEDOUT');
    const e = new esm.DownloadTimeoutError('http://a.test/', 5000, { cause });
    expect(e.message).toContain('http://a.test/');
    expect(e.message).toContain('5 s');
    expect(e.cause).toBe(cause);
    expect(esm.errorLabel(e)).toBe('DownloadTimeoutError');
  });
});

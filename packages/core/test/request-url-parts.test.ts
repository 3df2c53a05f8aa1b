import { describe, expect, it } from 'vitest';
import { Request } from '../src/index.js';

// A Request does not keep its parsed URL: scheme, hostname and origin must still be what the
// WHATWG parser says for every kind of URL.
describe('Request URL parts', () => {
  it.each([
    ['http://Example.COM/a?b#c', 'http', 'example.com', 'http://example.com'],
    ['HTTPS://example.com:443/x', 'https', 'example.com', 'https://example.com'],
    ['https://example.com:8443/x', 'https', 'example.com', 'https://example.com:8443'],
    ['http://[::1]:8080/', 'http', '::1', 'http://[::1]:8080'],
    ['http://user:pa:ss@127.0.0.1/', 'http', '127.0.0.1', 'http://127.0.0.1'],
    ['ftp://files.example.org/pub/f.txt', 'ftp', 'files.example.org', 'ftp://files.example.org'],
    ['data:text/plain,hello:world', 'data', '', 'null'],
    ['file:///tmp/a.html', 'file', '', 'null'],
    ['http://xn--bcher-kva.example/', 'http', 'xn--bcher-kva.example', 'http://xn--bcher-kva.example'],
    ['http://bücher.example/', 'http', 'xn--bcher-kva.example', 'http://xn--bcher-kva.example'],
  ])('%s', (url, scheme, hostname, origin) => {
    const request = new Request(url);
    expect(request.scheme).toBe(scheme);
    expect(request.hostname).toBe(hostname);
    expect(request.origin).toBe(origin);
    expect(request.origin).toBe(new URL(url).origin);
    const copy = request.replace({ url: request.url.replace(/^https?/, (s) => s) });
    expect([copy.scheme, copy.hostname, copy.origin]).toEqual([scheme, hostname, origin]);
  });
});

import { defineDownloaderMiddleware, type DownloaderMiddleware } from '@crawl/core';

/**
 * Test double of a redirect middleware (order 600, like Scrapy's). `careful` follows the redirect
 * middleware's contract (no request.cookies on the next hop, Cookie header dropped across hosts
 * and on https→http); `naive` copies the whole request, as Crawlee's client does (advisory S20),
 * to show that the cookies middleware does not depend on the redirect middleware for S4.
 */
export function testRedirect(mode: 'careful' | 'naive'): DownloaderMiddleware {
  return defineDownloaderMiddleware({
    name: `test-redirect-${mode}`,
    order: 600,
    processResponse(request, response) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status > 399 || location === undefined) return response;
      const url = new URL(location, response.url).href;
      if (mode === 'naive') return request.replace({ url, method: 'GET', body: '' });
      const next = new URL(url);
      const headers = request.headers.clone();
      const from = new URL(request.url);
      if (next.hostname !== from.hostname || (from.protocol === 'https:' && next.protocol === 'http:')) headers.delete('cookie');
      return request.replace({ url, method: 'GET', body: '', headers, cookies: undefined });
    },
  });
}

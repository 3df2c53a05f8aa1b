import { gunzipSync } from 'node:zlib';
import { NotSupported, ResponseTooLargeError, XmlResponse, type Response } from '@crawl/core';

/** Core's default downloadMaxSize (1 GiB), for a spider no crawler opened (callbacks called directly). */
const DEFAULT_MAX_SIZE = 1024 * 1024 * 1024;
// Buffers cannot exceed this; a "no limit" gunzip is still bounded by it.
const BUFFER_LIMIT = 2 ** 31 - 1;

export function isGzip(body: Uint8Array): boolean {
  return body.byteLength >= 2 && body[0] === 0x1f && body[1] === 0x8b;
}

/**
 * Scrapy's SitemapSpider._get_sitemap_body: an XML response as it is, a gzip body gunzipped with
 * its output bounded by the max size (a gzip bomb stops at the limit instead of filling memory),
 * a body whose URL ends in .xml or .xml.gz as it is (already decompressed by the compression
 * middleware); anything else is not a sitemap.
 */
export function sitemapBody(response: Response, maxSize: number | undefined): { body: Uint8Array; xml: boolean } {
  if (response instanceof XmlResponse) return { body: response.body, xml: true };
  if (isGzip(response.body)) {
    const limit = maxSize === undefined ? DEFAULT_MAX_SIZE : maxSize <= 0 ? BUFFER_LIMIT : maxSize;
    try {
      return { body: gunzipSync(response.body, { maxOutputLength: limit }), xml: false };
    } catch (cause) {
      if ((cause as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new ResponseTooLargeError(response.url, limit + 1, limit, { cause });
      }
      throw new NotSupported(`Ignoring invalid sitemap ${response.url}: corrupt gzip body`, { cause });
    }
  }
  const path = new URL(response.url).pathname;
  if (path.endsWith('.xml') || path.endsWith('.xml.gz')) return { body: response.body, xml: false };
  throw new NotSupported(`Ignoring invalid sitemap ${response.url}: neither an XML response nor a gzip body`);
}

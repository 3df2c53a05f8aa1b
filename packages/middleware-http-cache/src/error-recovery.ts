import { DownloadError, ResponseTooLargeError, UnsupportedSchemeError } from '@crawl/core';

/**
 * The failures after which a stale cached response is served instead (Scrapy's
 * HttpCacheMiddleware.DOWNLOAD_EXCEPTIONS: timeouts, DNS, refused/lost connections, failed
 * responses, I/O errors). A response cancelled for its size and a scheme without a handler are
 * not network trouble, as in Scrapy (there they are a cancellation and NotSupported).
 */
export function isDownloadException(error: unknown): boolean {
  return error instanceof DownloadError && !(error instanceof ResponseTooLargeError) && !(error instanceof UnsupportedSchemeError);
}

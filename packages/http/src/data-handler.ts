import {
  createResponse,
  Headers,
  ResponseTooLargeError,
  UnsupportedSchemeError,
  type Crawler,
  type DownloadHandler,
  type Request,
  type Response,
} from '@crawl/core';
import { parseDataUrl } from './data-url.js';
import { sizeFor } from './limits.js';

function decode(request: Request<any>, crawler: Crawler): Response {
  const { mediaType, body } = parseDataUrl(request.url);
  const maxSize = sizeFor('downloadMaxSize', request, crawler);
  if (maxSize > 0 && body.byteLength > maxSize) throw new ResponseTooLargeError(request.url, body.byteLength, maxSize);
  const headers = new Headers([['Content-Type', mediaType]]);
  return createResponse(request.url, { status: 200, headers, body, request });
}

/**
 * Serves RFC 2397 `data:` URLs (base64 or percent-encoded); the media type becomes the
 * Content-Type header, so the response class and text encoding follow from it. Opt-in only.
 */
export function dataHandler(): DownloadHandler {
  return {
    name: '@crawl/http:data',
    schemes: ['data'],
    download(request: Request<any>, crawler: Crawler): Promise<Response> {
      if (request.scheme !== 'data') {
        return Promise.reject(new UnsupportedSchemeError(request.url, `dataHandler serves data: URLs only, not ${request.url}`));
      }
      try {
        return Promise.resolve(decode(request, crawler));
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
}

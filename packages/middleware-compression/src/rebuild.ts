import { createResponse, type Headers, type Response, type ResponseInit } from '@crawl/core';

type ResponseConstructor = new (url: string, init: ResponseInit) => Response;

/**
 * The response with its decoded body. A binary response was typed from the compressed bytes,
 * so its class is picked again from the decoded ones (Scrapy re-detects after decompression);
 * a text response keeps its class. Either way no encoding is carried over: it was never
 * sniffed from the real body (Scrapy passes encoding=None for the same reason).
 */
export function withDecodedBody(response: Response, headers: Headers, body: Uint8Array): Response {
  const init: ResponseInit = {
    status: response.status,
    headers,
    body,
    request: response.request,
    flags: response.flags,
    ipAddress: response.ipAddress,
    certificate: response.certificate,
    protocol: response.protocol,
  };
  // `in` finds TextResponse's getter without running it (running it would decode the compressed bytes).
  if ('encoding' in response) return new (response.constructor as ResponseConstructor)(response.url, init);
  return createResponse(response.url, init);
}

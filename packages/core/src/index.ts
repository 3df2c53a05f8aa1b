export * from './errors.js';
export { Headers, type HeadersInit } from './headers.js';
export {
  Request,
  parseRequestUrl,
  type RequestMeta,
  type RequestInternal,
  type RequestOptions,
  type RequestMethod,
  type CookieInput,
} from './request.js';
export { FormRequest, JsonRequest, encodeFormData, type FormData, type FormRequestOptions, type JsonRequestOptions } from './form-request.js';
export { Response, TextResponse, HtmlResponse, XmlResponse, type ResponseInit, type FollowOptions, type FollowTarget } from './response.js';
export { createResponse, responseClassFor, responseClassForMime, responseClassFromBody, type ResponseClass } from './response-types.js';
export { SelectorList, parseMarkup } from './selector.js';
export { decodeBody, normalizeEncoding, charsetFromContentType, encodingFromBody, encodingFromBom, type DecodedText } from './encoding.js';
export { fingerprint, createFingerprinter, type FingerprintOptions, type RequestFingerprinter } from './fingerprint.js';
export { canonicalizeUrl, hostMatchesDomain, urlIsFromAnyDomain } from './url.js';
export { defineDownloaderMiddleware, defineSpiderMiddleware, defineItemPipeline, defineSpider } from './define.js';
export { isRequest, isResponse } from './guards.js';
export type * from './types.js';

export * from './errors.js';
export { Headers, type HeadersInit } from './headers.js';
export {
  Request,
  parseRequestUrl,
  type RequestMeta,
  type RequestInternal,
  type RequestOptions,
  type RequestBaseOptions,
  type CbKwargsOption,
  type RequestOptionsArg,
  type ReplaceChanges,
  type RequestMethod,
  type CookieInput,
} from './request.js';
export { FormRequest, JsonRequest, encodeFormData, type FormData, type FormRequestOptions, type FormRequestFields, type JsonRequestOptions, type JsonRequestFields, type JsonDumpsOptions } from './form-request.js';
export type { FromResponseOptions, FromResponseFields, FromResponseFormData } from './form-from-response.js';
export { encodeText } from './encode-text.js';
export { Response, TextResponse, HtmlResponse, XmlResponse, type ResponseInit, type BodyStream, type FollowOptions, type FollowTarget } from './response.js';
export { createResponse, responseClassFor, responseClassForMime, responseClassFromBody, type ResponseClass } from './response-types.js';
export { SelectorList, parseMarkup } from './selector.js';
export type { XPathOptions } from './xpath.js';
export { decodeBody, normalizeEncoding, charsetFromContentType, encodingFromBody, encodingFromBom, type DecodedText, type DecodeHints, type DeclaredEncoding } from './encoding.js';
export { fingerprint, createFingerprinter, type FingerprintOptions, type RequestFingerprinter } from './fingerprint.js';
export { canonicalizeUrl, safeUrlString, type CanonicalizeUrlOptions } from './canonicalize-url.js';
export { hostMatchesDomain, urlIsFromAnyDomain } from './url.js';
export { defineDownloaderMiddleware, defineSpiderMiddleware, defineItemPipeline, defineSpider } from './define.js';
export { isRequest, isResponse } from './guards.js';
export type * from './types.js';
export { REFERRER_POLICY_NAMES, isReferrerPolicyName, parseReferrerPolicy, referrerFor, type ReferrerPolicyName } from './referrer-policy.js';
export { importPlugin } from './import-plugin.js';
export { encodeCacheRecord, decodeCacheRecord, cacheRecordTimestamp, type CacheRecordHead } from './cache-record.js';
export { pipeBodyStream, type PipeBodyStreamOptions } from './body-stream.js';

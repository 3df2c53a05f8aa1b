import { DownloadError, ResponseTooLargeError, type Crawler, type Headers, type DownloaderMiddleware, type Logger, type Request, type Response } from '@crawl/core';
import { decode, DecodedSizeExceeded } from './decode.js';
import { decodeStream } from './decode-stream.js';
import { ACCEPT_ENCODING, createZstdDecompress, planDecoding, type EncodingPlan } from './encodings.js';
import { sizeLimit } from './limits.js';
import { resolveCompressionOptions, type CompressionOptions } from './options.js';
import { withDecodedBody } from './rebuild.js';

const PARTIAL_FLAGS: ReadonlySet<string> = new Set(['dataloss', 'partial', 'download_stopped']);

const COMPONENT = '@crawl/middleware-compression';
const logs = new WeakMap<Crawler, Logger>();

/** The crawl's logger for this middleware: made on its first line, once per crawler (warnings are rare). */
function logFor(crawler: Crawler): Logger {
  let log = logs.get(crawler);
  if (log === undefined) logs.set(crawler, (log = crawler.logger.child(COMPONENT)));
  return log;
}

function tooLarge(response: Response, encoding: string, decoded: number, maxSize: number): ResponseTooLargeError {
  const error = new ResponseTooLargeError(response.url, decoded, maxSize);
  // The stack is formatted lazily, so it picks up this more precise message.
  error.message =
    `Ignored response ${String(response)} because its body${response.bodyStream === undefined ? ` (${response.body.byteLength} B compressed)` : ' (streamed)'} is larger than ` +
    `the download max size (${maxSize} B) once decoded: stopped after ${decoded} B of ${encoding} output`;
  return error;
}

function unsupportedMessage(response: Response, kept: readonly string[]): string {
  let message = `Cannot decode the response for ${response.url} from unsupported encoding(s) '${kept.join(',')}'.`;
  if (kept.includes('zstd') && createZstdDecompress === undefined) message += ` zstd needs Node.js 22.15 or later (this is ${process.version}).`;
  return message;
}

/** A streamed body (meta.streamBody) is decoded as the reader reads it, within the same limits. */
function decodeStreamedResponse(request: Request<any>, response: Response, plan: EncodingPlan, crawler: Crawler): Response {
  const maxSize = sizeLimit('downloadMaxSize', request, crawler);
  const mapError = (error: Error): Error => {
    if (error instanceof DecodedSizeExceeded) return tooLarge(response, plan.decode.map((d) => d.name).join(', '), error.decoded, maxSize);
    return new DownloadError(response.url, `Cannot decode the ${plan.decode.map((d) => d.name).join(', ')}-encoded body of ${String(response)}: ${error.message}`, {
      cause: error,
    });
  };
  const onEnd = (decoded: number): void => {
    crawler.stats.inc('httpcompression/response_bytes', decoded);
    crawler.stats.inc('httpcompression/response_count');
  };
  const bodyStream = decodeStream(
    plan.decode.map((d) => d.codec),
    response.bodyStream!,
    maxSize,
    mapError,
    onEnd,
  );
  return response.replace({ headers: decodedHeaders(response, plan, crawler), bodyStream });
}

/** The headers of the decoded response: Content-Encoding down to what stays encoded (with a warning), else gone. */
function decodedHeaders(response: Response, plan: EncodingPlan, crawler: Crawler): Headers {
  const headers = response.headers.clone();
  if (plan.keep.length > 0) {
    headers.set('Content-Encoding', plan.keep.join(', '));
    logFor(crawler).warn(unsupportedMessage(response, plan.keep), { url: response.url });
  } else {
    headers.delete('Content-Encoding');
  }
  return headers;
}

async function decodeResponse(request: Request<any>, response: Response, plan: EncodingPlan, crawler: Crawler): Promise<Response> {
  const maxSize = sizeLimit('downloadMaxSize', request, crawler);
  const warnSize = sizeLimit('downloadWarnSize', request, crawler);
  // The handler kept a body it knew was cut short (downloadFailOnDataloss: false, StopDownload, no length).
  const lenientEnd = response.flags.some((flag) => PARTIAL_FLAGS.has(flag));
  let body: Uint8Array = response.body;
  for (const { name, codec } of plan.decode) {
    try {
      body = await decode(codec, body, maxSize, lenientEnd);
    } catch (error) {
      if (error instanceof DecodedSizeExceeded) throw tooLarge(response, name, error.decoded, maxSize);
      throw new DownloadError(response.url, `Cannot decode the ${name}-encoded body of ${String(response)}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  if (warnSize > 0 && response.body.byteLength < warnSize && warnSize <= body.byteLength) {
    logFor(crawler).warn(
      `${String(response)} body size after decompression (${body.byteLength} B) is larger than the download warn size (${warnSize} B).`,
      { url: response.url, size: body.byteLength, warnSize },
    );
  }
  const headers = decodedHeaders(response, plan, crawler);
  crawler.stats.inc('httpcompression/response_bytes', body.byteLength);
  crawler.stats.inc('httpcompression/response_count');
  return withDecodedBody(response, headers, body);
}

/**
 * Scrapy's HttpCompressionMiddleware: asks for compressed responses (`Accept-Encoding`) and
 * decodes `Content-Encoding` (gzip, x-gzip, deflate with a raw-deflate fallback, br, and zstd
 * where Node.js has it; stacked codings undone from the last). The decoded size is held to
 * `downloadMaxSize` while decoding, chunk by chunk, so a decompression bomb is stopped early
 * with ResponseTooLargeError and bounded memory (security advisories S9, S10).
 */
export function compression(options: CompressionOptions = {}): DownloaderMiddleware {
  const order = resolveCompressionOptions(options);
  return {
    name: COMPONENT,
    order,

    processRequest(request) {
      request.headers.setDefault('Accept-Encoding', ACCEPT_ENCODING);
      return undefined;
    },

    processResponse(request, response, crawler) {
      if (request.method === 'HEAD' || !response.headers.has('content-encoding')) return response;
      const plan = planDecoding(response.headers.getAll('content-encoding'));
      if (plan.decode.length === 0) {
        if (plan.keep.length > 0) logFor(crawler).warn(unsupportedMessage(response, plan.keep), { url: response.url });
        return response;
      }
      if (response.bodyStream !== undefined) return decodeStreamedResponse(request, response, plan, crawler);
      return decodeResponse(request, response, plan, crawler);
    },
  };
}

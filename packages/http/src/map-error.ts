import {
  ConnectionLostError,
  ConnectionRefusedError,
  CrawlError,
  DnsLookupError,
  DownloadError,
  DownloadTimeoutError,
  ResponseDataLossError,
  TlsError,
} from '@crawl/core';

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA', 'EAI_ADDRFAMILY']);

/** The connection went away: before the headers this is a lost connection, after them lost data. */
const LOST_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_INFO',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

// OpenSSL verification codes as Node reports them (DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED,
// UNABLE_TO_VERIFY_LEAF_SIGNATURE, …) plus Node's ERR_TLS_* / ERR_SSL_* codes.
const TLS_CODE = /CERT|^ERR_TLS_|^ERR_SSL_|^INVALID_CA$|^PATH_LENGTH_EXCEEDED$|^INVALID_PURPOSE$|^HOSTNAME_MISMATCH$/;

/** The error code, looking inside an AggregateError from happy-eyeballs connects when it has none. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const inner = (error as { errors?: unknown }).errors;
  if (Array.isArray(inner) && inner.length > 0) return errorCode(inner[0]);
  return undefined;
}

export function isConnectionLoss(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && LOST_CODES.has(code);
}

function reason(error: unknown): string {
  if (error instanceof Error) {
    const code = errorCode(error);
    const message = error.message || error.name;
    return code && !message.includes(code) ? `${message} (${code})` : message;
  }
  return String(error);
}

// undici's ProxyAgent reports a CONNECT answered with anything but 200 only in this message.
const TUNNEL_STATUS = /Proxy response \((\d{3})\) !== 200 when HTTP Tunneling/;

/**
 * Maps a Node or undici failure to the core error class a retry policy can act on; the URL (and
 * the proxy, when there is one) is in every message and the original error is the `cause`.
 */
export function mapDownloadError(error: unknown, url: string, connectTimeoutMs: number, secure: boolean, proxy?: string): CrawlError {
  if (error instanceof CrawlError) return error;
  if (proxy === undefined) return mapDirect(error, url, connectTimeoutMs, secure);
  const tunnel = error instanceof Error ? TUNNEL_STATUS.exec(error.message) : null;
  if (tunnel !== null) {
    // Scrapy's TunnelError; core has no such class, so it is a plain DownloadError.
    return new DownloadError(url, `Could not open CONNECT tunnel with proxy ${proxy} for ${url}: the proxy answered ${tunnel[1]}`, { cause: error });
  }
  // A TLS failure talking to an https proxy (its certificate, not the origin's).
  const mapped =
    errorCode(error) === 'UND_ERR_PRX_TLS'
      ? new TlsError(url, `TLS error for ${url}: ${reason(error)}: ${reason((error as Error).cause)}`, { cause: error })
      : mapDirect(error, url, connectTimeoutMs, secure);
  mapped.message = `${mapped.message} (through proxy ${proxy})`;
  return mapped;
}

function mapDirect(error: unknown, url: string, connectTimeoutMs: number, secure: boolean): CrawlError {
  const code = errorCode(error);
  const why = reason(error);
  const options = { cause: error };
  if (code !== undefined) {
    if (DNS_CODES.has(code)) return new DnsLookupError(url, `DNS lookup failed for ${url}: ${why}`, options);
    if (code === 'ECONNREFUSED') return new ConnectionRefusedError(url, `Connection refused by ${url}: ${why}`, options);
    if (code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') {
      return new ResponseDataLossError(url, `Response body of ${url} is shorter than its Content-Length: ${why}`, options);
    }
    if (LOST_CODES.has(code)) return new ConnectionLostError(url, `Connection to ${url} was lost: ${why}`, options);
    if (code === 'UND_ERR_CONNECT_TIMEOUT') return new DownloadTimeoutError(url, connectTimeoutMs, options);
    if (TIMEOUT_CODES.has(code)) {
      const ms = (error as { timeout?: unknown }).timeout;
      return new DownloadTimeoutError(url, typeof ms === 'number' ? ms : connectTimeoutMs, options);
    }
    if (TLS_CODE.test(code) || (secure && code === 'EPROTO')) return new TlsError(url, `TLS error for ${url}: ${why}`, options);
    if (code === 'UND_ERR_HEADERS_OVERFLOW') return new DownloadError(url, `Response headers from ${url} exceed maxHeaderSize: ${why}`, options);
    if (code === 'UND_ERR_INVALID_ARG' || code === 'UND_ERR_NOT_SUPPORTED' || code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH') {
      return new DownloadError(url, `Invalid request for ${url}: ${why}`, options);
    }
  }
  // undici's parser errors often carry no code, only their name.
  if ((error instanceof Error && error.name === 'HTTPParserError') || code?.startsWith('HPE_')) {
    return new DownloadError(url, `Malformed HTTP response from ${url}: ${why}`, options);
  }
  if (secure && error instanceof Error && /SSL|TLS|certificate/i.test(error.message)) {
    return new TlsError(url, `TLS error for ${url}: ${why}`, options);
  }
  return new DownloadError(url, `Download of ${url} failed: ${why}`, options);
}

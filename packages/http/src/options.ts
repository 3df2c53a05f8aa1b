import type { LookupFunction } from 'node:net';
import { ConfigError } from '@crawl/core';

/** Options of `httpHandler()`. Times are in seconds and sizes in bytes, like crawl settings. */
export interface HttpHandlerOptions {
  /** Maximum connections per origin. Default: the crawl's `concurrentRequestsPerDomain` (0 there = unlimited). */
  connections?: number;
  /** Seconds an idle keep-alive connection stays open when the server sends no `Keep-Alive: timeout` hint. */
  keepAliveTimeout?: number;
  /** Requests in flight per connection (HTTP/1.1 pipelining); 1 disables pipelining. */
  pipelining?: number;
  /** Verify TLS certificates. `meta.tlsVerify` overrides it per request. */
  tlsVerify?: boolean;
  /** Extra trusted CA certificates (PEM), e.g. for a private CA. Replaces Node's bundled list when given. */
  ca?: string | Buffer | readonly (string | Buffer)[];
  /** Largest accepted response header block, in bytes. */
  maxHeaderSize?: number;
  /** Seconds allowed for TCP connect plus the TLS handshake; the download timeout still bounds the whole download. */
  connectTimeout?: number;
  /** A `dns.lookup`-compatible resolver (tests map hostnames to loopback with it). */
  lookup?: LookupFunction;
  /** Local address to connect from; `meta.bindAddress` overrides it per request. */
  bindAddress?: string;
  /**
   * Let V8 recompile hot WebAssembly with its optimising compiler while the handler is open.
   * Default `false`: undici's HTTP/1.1 parser is WebAssembly, and its recompilation costs ~30 MB
   * and CPU at warm-up without parsing crawl responses faster. V8's tiering flags are
   * process-wide, so this applies to all WebAssembly of the process while a crawl runs; set
   * `true` when the process runs WebAssembly that needs optimised code. Tiering flags given on
   * the command line always win.
   */
  wasmTierUp?: boolean;
}

export interface HttpHandlerDefaults {
  readonly keepAliveTimeout: number;
  readonly pipelining: number;
  readonly tlsVerify: boolean;
  readonly maxHeaderSize: number;
  readonly connectTimeout: number;
  readonly wasmTierUp: boolean;
}

/** Defaults of the options that have a fixed default (`connections` follows the crawl's settings). */
export const HTTP_HANDLER_DEFAULTS: HttpHandlerDefaults = Object.freeze({
  keepAliveTimeout: 4,
  pipelining: 1,
  tlsVerify: true,
  // Node's own default is 16 KiB; crawled sites with large cookie sets exceed it.
  maxHeaderSize: 65536,
  connectTimeout: 10,
  wasmTierUp: false,
});

/** Options after validation and defaults. */
export interface ResolvedHttpOptions {
  readonly connections: number | undefined;
  readonly keepAliveTimeoutMs: number;
  readonly pipelining: number;
  readonly tlsVerify: boolean;
  readonly ca: string | Buffer | (string | Buffer)[] | undefined;
  readonly maxHeaderSize: number;
  readonly connectTimeoutMs: number;
  readonly lookup: LookupFunction | undefined;
  readonly bindAddress: string | undefined;
  readonly wasmTierUp: boolean;
}

const KNOWN = new Set<string>([
  'connections',
  'keepAliveTimeout',
  'pipelining',
  'tlsVerify',
  'ca',
  'maxHeaderSize',
  'connectTimeout',
  'lookup',
  'bindAddress',
  'wasmTierUp',
]);

function fail(key: string, expected: string, value: unknown): never {
  throw new ConfigError(`httpHandler option ${key} must be ${expected}, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return typeof value;
}

function positiveInt(key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) fail(key, 'a positive integer', value);
  return value;
}

function seconds(key: string, value: unknown, allowZero: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    fail(key, allowZero ? 'a number of seconds >= 0' : 'a number of seconds > 0', value);
  }
  return value;
}

/** Validates options (unknown keys are a ConfigError, so typos do not pass silently) and applies defaults. */
export function resolveHttpOptions(options: HttpHandlerOptions): ResolvedHttpOptions {
  if (typeof options !== 'object' || options === null) fail('object', 'an object', options);
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new ConfigError(`Unknown httpHandler option ${JSON.stringify(key)}; known: ${[...KNOWN].join(', ')}`);
  }
  const d = HTTP_HANDLER_DEFAULTS;
  const tlsVerify = options.tlsVerify ?? d.tlsVerify;
  if (typeof tlsVerify !== 'boolean') fail('tlsVerify', 'a boolean', tlsVerify);
  const { lookup, bindAddress, ca } = options;
  if (lookup !== undefined && typeof lookup !== 'function') fail('lookup', 'a dns.lookup-compatible function', lookup);
  if (bindAddress !== undefined && (typeof bindAddress !== 'string' || bindAddress === '')) fail('bindAddress', 'an IP address string', bindAddress);
  const wasmTierUp = options.wasmTierUp ?? d.wasmTierUp;
  if (typeof wasmTierUp !== 'boolean') fail('wasmTierUp', 'a boolean', wasmTierUp);
  if (ca !== undefined && typeof ca !== 'string' && !Buffer.isBuffer(ca) && !Array.isArray(ca)) fail('ca', 'PEM text, a Buffer or an array of them', ca);
  return {
    connections: options.connections === undefined ? undefined : positiveInt('connections', options.connections),
    keepAliveTimeoutMs: seconds('keepAliveTimeout', options.keepAliveTimeout ?? d.keepAliveTimeout, false) * 1000,
    pipelining: positiveInt('pipelining', options.pipelining ?? d.pipelining),
    tlsVerify,
    ca: Array.isArray(ca) ? [...(ca as readonly (string | Buffer)[])] : (ca as string | Buffer | undefined),
    maxHeaderSize: positiveInt('maxHeaderSize', options.maxHeaderSize ?? d.maxHeaderSize),
    connectTimeoutMs: seconds('connectTimeout', options.connectTimeout ?? d.connectTimeout, false) * 1000,
    lookup,
    bindAddress,
    wasmTierUp,
  };
}

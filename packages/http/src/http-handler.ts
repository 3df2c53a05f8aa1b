import {
  ConfigError,
  ConnectionLostError,
  UnsupportedSchemeError,
  type Crawler,
  type DownloadHandler,
  type Request,
  type Response,
} from '@crawl/core';
import type { Dispatcher } from 'undici';
import { createAgentSet, type AgentSet } from './agents.js';
import { HttpDownload, type DownloadLimits, type ProxiedWire } from './download.js';
import { failOnDatalossFor, sizeFor, timeoutMsFor } from './limits.js';
import './meta.js';
import { resolveHttpOptions, type HttpHandlerOptions } from './options.js';
import { createProxyParser, type ProxyParser } from './proxy.js';
import { holdBaselineWasm } from './wasm-tiers.js';
import { forwardHeaders, requestPath, tunnelHeaders } from './wire.js';

function crawlerSignal(crawler: Crawler): AbortSignal | undefined {
  return (crawler as { abortSignal?: AbortSignal }).abortSignal;
}

function abortedByShutdown(url: string, signal: AbortSignal): ConnectionLostError {
  return new ConnectionLostError(url, `Download of ${url} aborted by crawler shutdown`, { cause: signal.reason });
}

interface ProxiedRoute {
  dispatcher: Dispatcher;
  wire: ProxiedWire;
}

/**
 * Where a request with `meta.proxy` goes. http: requests are sent to the proxy in absolute form with
 * Proxy-Authorization as an ordinary header; https: requests go through a CONNECT tunnel that carries
 * Proxy-Authorization on the CONNECT request only. The header set on the request (by the proxy
 * middleware, or by hand) wins over credentials in the proxy URL.
 */
function proxiedRoute(
  request: Request<any>,
  crawler: Crawler,
  value: string,
  parseProxy: ProxyParser,
  agents: AgentSet,
  tlsVerify: boolean,
  bindAddress: string | undefined,
): ProxiedRoute {
  const proxy = parseProxy(value, request.url);
  if (request.scheme === 'http') {
    return {
      dispatcher: agents.forward(crawler, tlsVerify, bindAddress),
      wire: {
        origin: proxy.href,
        path: request.origin + requestPath(request),
        headers: forwardHeaders(request, proxy.auth),
        proxy: proxy.href,
        servername: proxy.servername,
      },
    };
  }
  const token = request.headers.getFirst('proxy-authorization') ?? proxy.auth;
  return {
    dispatcher: agents.tunnel(crawler, proxy, token, tlsVerify, bindAddress),
    wire: { origin: request.origin, path: requestPath(request), headers: tunnelHeaders(request), proxy: proxy.href },
  };
}

/**
 * The http/https download handler: undici connection pools with keep-alive, one timer per
 * download, size limits, data-loss detection and the headers/bytes events. Only http and https;
 * `file:` and `data:` are separate handlers because untrusted URLs must not read local files.
 */
export function httpHandler(options: HttpHandlerOptions = {}): DownloadHandler {
  const config = resolveHttpOptions(options);
  const agents = createAgentSet(config);
  const parseProxy = createProxyParser();
  const active = new Set<HttpDownload>();
  /** Abort listeners by crawler signal, removed on close() so a closed handler leaves nothing behind. */
  const watched = new Map<AbortSignal, () => void>();
  /** Set while this handler keeps WebAssembly on baseline code (see wasm-tiers.ts). */
  let releaseWasm: (() => void) | undefined;

  // One listener per crawler signal, not one per download: EventTarget warns past 10 listeners.
  const watch = (signal: AbortSignal): void => {
    if (watched.has(signal)) return;
    const onAbort = (): void => {
      for (const download of active) {
        if (download.signal === signal) download.abortWith(abortedByShutdown(download.request.url, signal));
      }
    };
    watched.set(signal, onAbort);
    signal.addEventListener('abort', onAbort, { once: true });
  };

  const limitsFor = (request: Request<any>, crawler: Crawler): DownloadLimits => ({
    timeoutMs: timeoutMsFor(request, crawler),
    maxSize: sizeFor('downloadMaxSize', request, crawler),
    warnSize: sizeFor('downloadWarnSize', request, crawler),
    failOnDataloss: failOnDatalossFor(request, crawler),
    connectTimeoutMs: config.connectTimeoutMs,
  });

  return {
    name: '@crawl/http',
    schemes: ['http', 'https'],

    open(crawler) {
      if (!config.wasmTierUp) releaseWasm ??= holdBaselineWasm();
      agents.get(crawler, config.tlsVerify, config.bindAddress);
    },

    async close() {
      for (const download of active) {
        const url = download.request.url;
        download.abortWith(new ConnectionLostError(url, `Download of ${url} aborted: the @crawl/http handler was closed`));
      }
      for (const [signal, onAbort] of watched) signal.removeEventListener('abort', onAbort);
      watched.clear();
      releaseWasm?.();
      releaseWasm = undefined;
      await agents.destroy();
    },

    download(request: Request<any>, crawler: Crawler): Promise<Response> {
      const scheme = request.scheme;
      if (scheme !== 'http' && scheme !== 'https') {
        return Promise.reject(
          new UnsupportedSchemeError(request.url, `@crawl/http downloads http: and https: only, not ${scheme}: (${request.url})`),
        );
      }
      const signal = crawlerSignal(crawler);
      if (signal?.aborted) return Promise.reject(abortedByShutdown(request.url, signal));
      let limits: DownloadLimits;
      let route: ProxiedRoute | undefined;
      const { tlsVerify = config.tlsVerify, bindAddress = config.bindAddress, proxy } = request.meta;
      try {
        if (typeof tlsVerify !== 'boolean') throw new ConfigError(`meta.tlsVerify must be a boolean (${request.url})`);
        if (typeof bindAddress !== 'string' && bindAddress !== undefined) {
          throw new ConfigError(`meta.bindAddress must be an IP address string (${request.url})`);
        }
        limits = limitsFor(request, crawler);
        if (proxy != null && proxy !== '') {
          if (typeof proxy !== 'string') throw new ConfigError(`meta.proxy must be a proxy URL string or null, got ${typeof proxy} (${request.url})`);
          route = proxiedRoute(request, crawler, proxy, parseProxy, agents, tlsVerify, bindAddress);
        }
      } catch (error) {
        return Promise.reject(error);
      }
      const dispatcher = route === undefined ? agents.get(crawler, tlsVerify, bindAddress) : route.dispatcher;
      if (signal !== undefined) watch(signal);
      return new Promise<Response>((resolve, reject) => {
        new HttpDownload(request, crawler, limits, signal, active, resolve, reject).start(dispatcher, route?.wire);
      });
    },
  };
}

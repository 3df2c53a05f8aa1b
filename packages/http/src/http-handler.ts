import {
  ConfigError,
  ConnectionLostError,
  UnsupportedSchemeError,
  type Crawler,
  type DownloadHandler,
  type Request,
  type Response,
} from '@crawl/core';
import { createAgentSet } from './agents.js';
import { HttpDownload, type DownloadLimits } from './download.js';
import { failOnDatalossFor, sizeFor, timeoutMsFor } from './limits.js';
import { resolveHttpOptions, type HttpHandlerOptions } from './options.js';

function crawlerSignal(crawler: Crawler): AbortSignal | undefined {
  return (crawler as { abortSignal?: AbortSignal }).abortSignal;
}

function abortedByShutdown(url: string, signal: AbortSignal): ConnectionLostError {
  return new ConnectionLostError(url, `Download of ${url} aborted by crawler shutdown`, { cause: signal.reason });
}

/**
 * The http/https download handler: undici connection pools with keep-alive, one timer per
 * download, size limits, data-loss detection and the headers/bytes events. Only http and https;
 * `file:` and `data:` are separate handlers because untrusted URLs must not read local files.
 */
export function httpHandler(options: HttpHandlerOptions = {}): DownloadHandler {
  const config = resolveHttpOptions(options);
  const agents = createAgentSet(config);
  const active = new Set<HttpDownload>();
  const watched = new WeakSet<AbortSignal>();

  // One listener per crawler signal, not one per download: EventTarget warns past 10 listeners.
  const watch = (signal: AbortSignal): void => {
    if (watched.has(signal)) return;
    watched.add(signal);
    signal.addEventListener(
      'abort',
      () => {
        for (const download of active) {
          if (download.signal === signal) download.abortWith(abortedByShutdown(download.request.url, signal));
        }
      },
      { once: true },
    );
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
      agents.get(crawler, config.tlsVerify, config.bindAddress);
    },

    async close() {
      for (const download of active) {
        const url = download.request.url;
        download.abortWith(new ConnectionLostError(url, `Download of ${url} aborted: the @crawl/http handler was closed`));
      }
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
      const { tlsVerify = config.tlsVerify, bindAddress = config.bindAddress } = request.meta;
      try {
        if (typeof tlsVerify !== 'boolean') throw new ConfigError(`meta.tlsVerify must be a boolean (${request.url})`);
        if (typeof bindAddress !== 'string' && bindAddress !== undefined) {
          throw new ConfigError(`meta.bindAddress must be an IP address string (${request.url})`);
        }
        limits = limitsFor(request, crawler);
      } catch (error) {
        return Promise.reject(error);
      }
      const agent = agents.get(crawler, tlsVerify, bindAddress);
      if (signal !== undefined) watch(signal);
      return new Promise<Response>((resolve, reject) => {
        new HttpDownload(request, crawler, limits, signal, active, resolve, reject).start(agent);
      });
    },
  };
}

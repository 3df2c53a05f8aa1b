import type { Crawler } from '@crawl/core';
import type { Dispatcher } from 'undici';
import { Agent } from './undici-dispatchers.js';
import type { ResolvedHttpOptions } from './options.js';
import type { ProxyTarget } from './proxy.js';
import { peerPoolFactory } from './socket-info.js';
import { createTunnelAgent } from './tunnel-agent.js';

/**
 * The undici dispatchers of one handler, created on first use. Nothing is global, so two crawlers
 * (two handlers) never share a connection.
 * - `get`: direct connections, one Agent per (TLS verification, local address) pair, each with a
 *   keep-alive pool per origin.
 * - `forward`: absolute-form requests to http proxies, one Agent per pair too; its origins are the
 *   proxies, so it does not cap connections per origin (the crawl's concurrency bounds them).
 * - `tunnel`: https: requests through a proxy, one ProxyAgent per (proxy, credential, TLS
 *   verification, local address); the least recently used ones beyond a few dozen are closed.
 */
export interface AgentSet {
  get(crawler: Crawler, tlsVerify: boolean, bindAddress: string | undefined): Agent;
  forward(crawler: Crawler, tlsVerify: boolean, bindAddress: string | undefined): Agent;
  tunnel(crawler: Crawler, proxy: ProxyTarget, token: string | undefined, tlsVerify: boolean, bindAddress: string | undefined): Dispatcher;
  destroy(): Promise<void>;
  /** Live dispatchers of every kind. */
  readonly size: number;
}

/** Rotating proxy credentials (a session id in the user name) would otherwise grow the set without bound. */
export const MAX_TUNNEL_AGENTS = 32;

function connectionsFor(crawler: Crawler, options: ResolvedHttpOptions): number | null {
  const perDomain = crawler.settings.concurrentRequestsPerDomain;
  return options.connections ?? (typeof perDomain === 'number' && perDomain > 0 ? perDomain : null);
}

export function createAgentSet(options: ResolvedHttpOptions): AgentSet {
  const agents = new Map<string, Agent>();
  const tunnels = new Map<string, Dispatcher>();
  /** Evicted tunnel agents still finishing their downloads. */
  const retiring = new Set<Dispatcher>();
  // The common case (handler defaults) skips building a map key.
  let defaultAgent: Agent | undefined;

  const create = (connections: number | null, tlsVerify: boolean, bindAddress: string | undefined): Agent =>
    new Agent({
      // Pools whose connections remember their peer address and certificate (response.ipAddress, .certificate).
      factory: peerPoolFactory,
      connections,
      pipelining: options.pipelining,
      keepAliveTimeout: options.keepAliveTimeoutMs,
      maxHeaderSize: options.maxHeaderSize,
      // One timer per download bounds connect + headers + body (see download.ts); undici's own
      // per-phase timers would only duplicate it.
      headersTimeout: 0,
      bodyTimeout: 0,
      ...(bindAddress === undefined ? {} : { localAddress: bindAddress }),
      connect: {
        timeout: options.connectTimeoutMs,
        rejectUnauthorized: tlsVerify,
        ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
        ...(options.ca === undefined ? {} : { ca: options.ca }),
      },
    });

  const keyed = (prefix: string, connections: number | null, tlsVerify: boolean, bindAddress: string | undefined): Agent => {
    const key = `${prefix}${tlsVerify ? 1 : 0} ${bindAddress ?? ''}`;
    let agent = agents.get(key);
    if (agent === undefined) {
      agent = create(connections, tlsVerify, bindAddress);
      agents.set(key, agent);
    }
    return agent;
  };

  return {
    get(crawler, tlsVerify, bindAddress) {
      if (tlsVerify === options.tlsVerify && bindAddress === options.bindAddress) {
        return (defaultAgent ??= create(connectionsFor(crawler, options), tlsVerify, bindAddress));
      }
      return keyed('D', connectionsFor(crawler, options), tlsVerify, bindAddress);
    },
    forward(_crawler, tlsVerify, bindAddress) {
      return keyed('F', null, tlsVerify, bindAddress);
    },
    tunnel(crawler, proxy, token, tlsVerify, bindAddress) {
      const key = `${tlsVerify ? 1 : 0} ${bindAddress ?? ''} ${proxy.href} ${token ?? ''}`;
      let agent = tunnels.get(key);
      if (agent !== undefined) {
        // Most recently used last, so eviction takes the first key.
        tunnels.delete(key);
        tunnels.set(key, agent);
        return agent;
      }
      agent = createTunnelAgent(options, connectionsFor(crawler, options), proxy, token, tlsVerify, bindAddress);
      tunnels.set(key, agent);
      if (tunnels.size > MAX_TUNNEL_AGENTS) {
        const [oldestKey, oldest] = tunnels.entries().next().value as [string, Dispatcher];
        tunnels.delete(oldestKey);
        retiring.add(oldest);
        // close() lets its downloads finish; destroy() below still covers it if the handler closes first.
        oldest.close().then(
          () => retiring.delete(oldest),
          () => retiring.delete(oldest),
        );
      }
      return agent;
    },
    async destroy() {
      const all: Dispatcher[] = [...agents.values(), ...tunnels.values(), ...retiring];
      if (defaultAgent) all.push(defaultAgent);
      agents.clear();
      tunnels.clear();
      retiring.clear();
      defaultAgent = undefined;
      // destroy(), not close(): close() waits for in-flight requests, which could be stalled forever.
      await Promise.all(all.map((agent) => agent.destroy()));
    },
    get size() {
      return agents.size + tunnels.size + retiring.size + (defaultAgent ? 1 : 0);
    },
  };
}

import type { Crawler } from '@crawl/core';
import { Agent } from 'undici';
import type { ResolvedHttpOptions } from './options.js';

/**
 * The undici Agents of one handler: one per (TLS verification, local address) pair, created on
 * first use. Each Agent keeps a keep-alive pool per origin. Nothing is global, so two crawlers
 * (two handlers) never share a connection.
 */
export interface AgentSet {
  get(crawler: Crawler, tlsVerify: boolean, bindAddress: string | undefined): Agent;
  destroy(): Promise<void>;
  readonly size: number;
}

export function createAgentSet(options: ResolvedHttpOptions): AgentSet {
  const agents = new Map<string, Agent>();
  // The common case (handler defaults) skips building a map key.
  let defaultAgent: Agent | undefined;

  const create = (crawler: Crawler, tlsVerify: boolean, bindAddress: string | undefined): Agent => {
    const perDomain = crawler.settings.concurrentRequestsPerDomain;
    const connections = options.connections ?? (typeof perDomain === 'number' && perDomain > 0 ? perDomain : null);
    return new Agent({
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
  };

  return {
    get(crawler, tlsVerify, bindAddress) {
      if (tlsVerify === options.tlsVerify && bindAddress === options.bindAddress) {
        return (defaultAgent ??= create(crawler, tlsVerify, bindAddress));
      }
      const key = `${tlsVerify ? 1 : 0} ${bindAddress ?? ''}`;
      let agent = agents.get(key);
      if (agent === undefined) {
        agent = create(crawler, tlsVerify, bindAddress);
        agents.set(key, agent);
      }
      return agent;
    },
    async destroy() {
      const all = [...agents.values()];
      if (defaultAgent) all.push(defaultAgent);
      agents.clear();
      defaultAgent = undefined;
      // destroy(), not close(): close() waits for in-flight requests, which could be stalled forever.
      await Promise.all(all.map((agent) => agent.destroy()));
    },
    get size() {
      return agents.size + (defaultAgent ? 1 : 0);
    },
  };
}

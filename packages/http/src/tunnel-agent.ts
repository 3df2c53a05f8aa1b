import { Pool, ProxyAgent, type PoolOptions } from './undici-dispatchers.js';
import type { ResolvedHttpOptions } from './options.js';
import type { ProxyTarget } from './proxy.js';
import { tunnelPeerPoolFactory } from './socket-info.js';

/**
 * An undici ProxyAgent for https: requests through one proxy with one credential: each connection
 * is a CONNECT tunnel, opened with `Proxy-Authorization` on the CONNECT request only (undici takes
 * it as the agent's `token`), then TLS to the origin inside the tunnel. The agent keeps a keep-alive
 * pool of tunnels per origin, so a tunnel is never reused for a request with another credential.
 */
export function createTunnelAgent(
  options: ResolvedHttpOptions,
  connections: number | null,
  proxy: ProxyTarget,
  token: string | undefined,
  tlsVerify: boolean,
  bindAddress: string | undefined,
): ProxyAgent {
  const { connectTimeoutMs, lookup, ca } = options;
  const caOption = ca === undefined ? {} : { ca };
  return new ProxyAgent({
    uri: proxy.href,
    ...(token === undefined ? {} : { token }),
    // Always CONNECT: this agent only carries https: requests (http: ones go to the proxy in absolute form).
    proxyTunnel: true,
    // The tunnels' pools: each Client records the TLS socket inside its tunnel, so the certificate is the
    // origin's and the address is the proxy's (the only one this side of the tunnel knows).
    factory: tunnelPeerPoolFactory(),
    connections,
    pipelining: options.pipelining,
    keepAliveTimeout: options.keepAliveTimeoutMs,
    maxHeaderSize: options.maxHeaderSize,
    headersTimeout: 0,
    bodyTimeout: 0,
    // The TLS handshake with the origin, inside the tunnel.
    requestTls: { timeout: connectTimeoutMs, rejectUnauthorized: tlsVerify, ...caOption },
    // The connection to the proxy itself (TLS only for an https:// proxy).
    proxyTls: {
      timeout: connectTimeoutMs,
      rejectUnauthorized: tlsVerify,
      ...caOption,
      ...(lookup === undefined ? {} : { lookup }),
    },
    // The pool that sends the CONNECT requests. A proxy that never answers one fails within the connect
    // timeout; undici's connector ignores a localAddress given in proxyTls, so it goes here.
    clientFactory: (origin, opts) =>
      new Pool(origin, {
        ...(opts as PoolOptions),
        headersTimeout: connectTimeoutMs,
        ...(bindAddress === undefined ? {} : { localAddress: bindAddress }),
      }),
  });
}

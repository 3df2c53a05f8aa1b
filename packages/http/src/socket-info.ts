import type { Socket } from 'node:net';
import { TLSSocket, type PeerCertificate } from 'node:tls';
import type { buildConnector, Dispatcher } from 'undici';
import { Client, Pool, type ClientOptions, type PoolOptions } from './undici-dispatchers.js';

/** What a response reports about the connection that carried it. */
export interface SocketPeer {
  /** The IP address the socket is connected to (a proxy's, when the request went through one). */
  readonly address: string | undefined;
  /** The certificate the server presented in the TLS handshake; undefined on a plain socket. */
  readonly certificate: PeerCertificate | undefined;
}

/** The undici Client (one connection at a time) that served a download; `peer` describes its current socket. */
export interface PeerSource {
  readonly peer: SocketPeer | undefined;
}

/** A download that wants to know its connection: told at dispatch, read when the response is built. */
export interface PeerListener {
  connection: PeerSource | undefined;
}

/**
 * The dispatch-options key under which a download passes itself (see `HttpDownload.start`). undici's
 * Agent and Pool hand the caller's options object down to the Client they pick, and ProxyAgent copies it
 * with a spread, so the Client sees the key; undici's own request ignores it.
 */
export const PEER_LISTENER: unique symbol = Symbol('@crawl/http peer listener');

/** Dispatch options carrying the download that wants its connection's peer. */
export type PeerDispatchOptions = Dispatcher.DispatchOptions & { [PEER_LISTENER]?: PeerListener };

/** undici's default `maxCachedSessions`: it never holds sessions for more server names than this. */
const REMEMBERED_NAMES = 100;

/**
 * The certificates of the full TLS handshakes made through one undici connector, by the key undici
 * files the resulting TLS sessions under (the server name, else the host). A resumed session sends no
 * certificate and Node then reports `{}`; undici resumes only a session it cached from an earlier
 * handshake under the same key, so the certificate is the one that handshake saw.
 */
class CertificateMemory {
  private readonly byName = new Map<string, PeerCertificate>();

  remember(name: string, certificate: PeerCertificate): void {
    const byName = this.byName;
    byName.delete(name);
    byName.set(name, certificate);
    if (byName.size > REMEMBERED_NAMES) byName.delete(byName.keys().next().value as string);
  }

  recall(name: string): PeerCertificate | undefined {
    return this.byName.get(name);
  }
}

function describe(socket: Socket | TLSSocket, connectOptions: buildConnector.Options, memory: CertificateMemory): SocketPeer {
  let certificate: PeerCertificate | undefined;
  if (socket instanceof TLSSocket) {
    const name = connectOptions.servername || connectOptions.hostname;
    // Read once per connection: Node builds a fresh object (and hashes the certificate) on every call.
    const presented = socket.getPeerCertificate() as PeerCertificate | null;
    if (presented?.raw !== undefined) {
      certificate = presented;
      memory.remember(name, presented);
    } else if (socket.isSessionReused()) {
      certificate = memory.recall(name);
    }
  }
  return { address: socket.remoteAddress, certificate };
}

/**
 * An undici Client that remembers who its socket is connected to. A Client holds one connection at a
 * time and reconnects only after that one has closed (with its requests failed or finished), so its
 * `peer` when a response is built is the peer of the socket that response arrived on, under keep-alive,
 * pipelining and any number of Clients per origin.
 */
class PeerClient extends Client implements PeerSource {
  peer: SocketPeer | undefined = undefined;

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const listener = (options as PeerDispatchOptions)[PEER_LISTENER];
    // A Pool dispatches each request to exactly one Client and never moves it to another.
    if (listener !== undefined) listener.connection = this;
    return super.dispatch(options, handler);
  }
}

function peerClient(origin: URL, options: object, memory: CertificateMemory): PeerClient {
  // Pool always passes its connector as a function (it builds one from the TLS/connect options).
  const connect = (options as { connect: buildConnector.connector }).connect;
  const client: PeerClient = new PeerClient(origin, {
    ...(options as ClientOptions),
    connect: (connectOptions, callback) => {
      connect(connectOptions, (error, socket) => {
        // Once per connection, after the TLS handshake: the hot path only reads `client.peer`. On failure
        // undici calls back with the error alone (socket undefined, not null).
        if (error == null && socket != null) client.peer = describe(socket, connectOptions, memory);
        (callback as (error: Error | null, socket: Socket | TLSSocket | null) => void)(error, socket);
      });
    },
  });
  return client;
}

function peerPool(origin: string | URL, options: object, memory: CertificateMemory): Pool {
  return new Pool(origin, {
    ...(options as PoolOptions),
    factory: (clientOrigin, clientOptions) => peerClient(clientOrigin, clientOptions, memory),
  });
}

/**
 * The `factory` for an undici Agent: a Pool per origin whose Clients record their peer. (Used also when
 * `connections` is 1, where undici's default would build a bare Client: a Pool of one does the same
 * job and builds the connector from the Agent's `connect` options.) Each Pool builds its own
 * connector, and with it its own TLS session cache, so the certificate memory is per Pool too.
 */
export function peerPoolFactory(origin: string | URL, options: object): Dispatcher {
  return peerPool(origin, options, new CertificateMemory());
}

/**
 * The `factory` for one ProxyAgent. Its tunnels' TLS goes through one connector for every origin, whose
 * session cache outlives the per-origin Pools (the Agent drops a Pool whose last connection closed),
 * so the certificate memory is shared by all of the agent's Pools.
 */
export function tunnelPeerPoolFactory(): (origin: string | URL, options: object) => Dispatcher {
  const memory = new CertificateMemory();
  return (origin, options) => peerPool(origin, options, memory);
}

import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP relay on a fixed loopback port in front of a server whose port changes across restarts:
 * `stop()` refuses and drops every connection (the server is down, as a client sees it), `start(port)`
 * listens again on the same port towards the new upstream.
 */
export interface TcpRelay {
  readonly port: number;
  stop(): Promise<void>;
  start(upstreamPort: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpRelay(upstreamPort: number): Promise<TcpRelay> {
  let upstream = upstreamPort;
  const sockets = new Set<Socket>();
  const track = (s: Socket): void => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };
  const make = (): Server =>
    createServer((client) => {
      const server = connect(upstream, '127.0.0.1');
      track(client);
      track(server);
      client.pipe(server).pipe(client);
      client.on('error', () => server.destroy());
      server.on('error', () => client.destroy());
    });
  let server = make();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  let listening = true;
  const stop = async (): Promise<void> => {
    if (!listening) return;
    listening = false;
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    port,
    stop,
    async start(next) {
      upstream = next;
      server = make();
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
      listening = true;
    },
    close: stop,
  };
}

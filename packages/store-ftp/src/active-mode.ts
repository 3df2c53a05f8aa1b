import { createServer, isIPv6, type AddressInfo, type Socket } from 'node:net';
import { connect as tlsConnect, TLSSocket } from 'node:tls';
import type { FTPContext, FTPResponse } from 'basic-ftp';

/**
 * Active-mode data connections, which basic-ftp lacks: listen on the control connection's local
 * address, announce it with PORT (IPv4) or EPRT (IPv6), and hand the server's incoming connection
 * to basic-ftp as the data socket. Used when the store's `passive` option is false.
 */
export async function activeModeTransfer(ftp: FTPContext): Promise<FTPResponse> {
  const raw = ftp.socket.localAddress;
  if (raw === undefined) throw new Error('Control socket is disconnected, cannot offer an active-mode data port');
  const local = raw.startsWith('::ffff:') ? raw.slice(7) : raw;
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, local, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  // One connection, from the server, within the timeout; the listener never outlives that.
  const timer = setTimeout(() => server.close(), ftp.timeout > 0 ? ftp.timeout : 30_000);
  timer.unref();
  server.once('connection', (socket: Socket) => {
    clearTimeout(timer);
    server.close();
    if (ftp.socket instanceof TLSSocket) {
      ftp.dataSocket = tlsConnect({ ...ftp.tlsOptions, socket, session: ftp.socket.getSession() });
    } else {
      ftp.dataSocket = socket;
    }
  });
  const command = isIPv6(local) ? `EPRT |2|${local}|${port}|` : `PORT ${local.split('.').join(',')},${port >> 8},${port & 255}`;
  try {
    return await ftp.request(command);
  } catch (error) {
    clearTimeout(timer);
    server.close();
    throw error;
  }
}

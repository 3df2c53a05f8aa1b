import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSystem, FtpSrv, type FtpConnection } from 'ftp-srv';

export interface FtpTestServerOptions {
  /** Accepted credentials (default `{ user: 'crawler', password: 'secret' }`); any other pair gets 530. */
  user?: string;
  password?: string;
  /** Directory served as `/` (default: a fresh temp directory, removed by `close()`). */
  root?: string;
  /** Serve FTPS: explicit TLS (AUTH TLS) with this key and certificate. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /**
   * Whether RNTO onto an existing file replaces it (default true, as POSIX rename does). false
   * refuses with 550, as IIS and some other servers do.
   */
  renameReplaces?: boolean;
}

/** ftp-srv's file system, except that a rename onto an existing file is refused. */
class NoReplaceFileSystem extends FileSystem {
  override async rename(from: string, to: string): Promise<unknown> {
    const exists = await this.get(to).then(
      () => true,
      () => false,
    );
    if (exists) throw new Error('Cannot create a file when that file already exists.');
    return super.rename(from, to);
  }
}

export interface FtpTestServer {
  /** `ftp://USER:PASSWORD@127.0.0.1:PORT` (no trailing slash). */
  readonly url: string;
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** The local directory served as `/`. */
  readonly root: string;
  /** Successful logins since start. */
  logins(): number;
  /** Refused logins (wrong user or password) since start. */
  failedLogins(): number;
  /** Control connections open now. */
  connections(): number;
  /** Closes every open control connection (a server restart or idle timeout, as a client sees it). */
  dropConnections(): void;
  /** Stops the server, closes every connection and removes the temp root. Idempotent. */
  close(): Promise<void>;
}

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGQUIT'] as const;

// ftp-srv logs through bunyan to stdout; tests want silence.
interface QuietLog {
  [level: string]: unknown;
  child(): QuietLog;
}
const quietLog: QuietLog = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  fatal: noop,
  child(): QuietLog {
    return quietLog;
  },
};
function noop(): void {}

// ftp-srv scans a port range from its low end for passive data ports; parallel test processes would
// race for the same numbers. An ephemeral port from the OS is free and not handed out again soon.
function ephemeralPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * A real FTP server (ftp-srv) on 127.0.0.1 with passive data ports on 127.0.0.1, serving a temp
 * directory to one user. Active mode (PORT/EPRT) works too: ftp-srv connects back to the client.
 */
export async function startFtpServer(options: FtpTestServerOptions = {}): Promise<FtpTestServer> {
  const user = options.user ?? 'crawler';
  const password = options.password ?? 'secret';
  const ownRoot = options.root === undefined;
  const root = options.root ?? (await mkdtemp(join(tmpdir(), 'crawl-ftp-')));
  let logins = 0;
  let failed = 0;
  const sockets = new Set<Socket>();

  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const server = new FtpSrv({
    // ftp:// with tls options is explicit FTPS (AUTH TLS); ftp-srv's ftps:// would be implicit TLS.
    url: 'ftp://127.0.0.1:0',
    pasv_url: '127.0.0.1',
    anonymous: false,
    log: quietLog,
    ...(options.tls ? { tls: { key: options.tls.key, cert: options.tls.cert } } : {}),
  });
  // ftp-srv installs process-wide signal handlers that exit the process; a test server must not.
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)!.has(listener)) process.off(signal, listener);
  }
  (server as unknown as { getNextPasvPort: () => Promise<number> }).getNextPasvPort = ephemeralPort;

  server.on('login', ({ connection, username, password: given }: { connection: FtpConnection; username: string; password: string }, resolve: (r: { root: string; fs?: FileSystem }) => void, reject: (e: Error) => void) => {
    if (username === user && given === password) {
      logins++;
      resolve(options.renameReplaces === false ? { root, fs: new NoReplaceFileSystem(connection, { root, cwd: '/' }) } : { root });
    } else {
      failed++;
      reject(new Error('Login incorrect'));
    }
  });
  server.on('client-error', noop);

  const net = (server as unknown as { server: import('node:net').Server }).server;
  net.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await server.listen();
  const port = (net.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    url: `ftp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    user,
    password,
    root,
    logins: () => logins,
    failedLogins: () => failed,
    connections: () => sockets.size,
    dropConnections() {
      for (const socket of sockets) socket.destroy();
    },
    close() {
      closing ??= (async () => {
        for (const socket of sockets) socket.destroy();
        await server.close();
        if (ownRoot) await rm(root, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}

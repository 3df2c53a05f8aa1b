import { posix } from 'node:path';
import { Client, FTPError } from 'basic-ftp';
import { activeModeTransfer } from './active-mode.js';
import { FtpStoreError } from './errors.js';
import { describeFtp, type ResolvedFtpOptions } from './options.js';

/** What one queued operation gets: a logged-in client and the absolute store directory. */
export interface FtpSession {
  readonly client: Client;
  /** Absolute directory of the store on the server. */
  readonly root: string;
  /** Directories known to exist (created or entered before on this connection). */
  readonly knownDirs: Set<string>;
}

/**
 * One FTP connection used by one operation at a time. FTP has a single command channel per
 * connection, so operations are queued (a promise chain) rather than run side by side; the
 * connection opens on first use, stays open between operations (its socket unref'd so an idle
 * store never keeps the process alive), and is reopened after a failure.
 */
export interface FtpConnection {
  /** Runs `task` when the connection is free; `retries` overrides the store's for this operation. */
  run<T>(label: string, task: (session: FtpSession) => Promise<T>, retries?: number): Promise<T>;
  /** Waits for queued operations, then closes the connection; a later operation opens a new one. */
  close(): Promise<void>;
  /** Logins made so far (1 while the connection survives). */
  readonly logins: number;
}

/**
 * Thrown by a task whose source stream failed: the operation ends with the source's own error,
 * unwrapped (its type tells the caller what went wrong: a download timeout, a size limit …) and not
 * retried (the stream is consumed, and the server was not at fault).
 */
export class SourceFailure {
  constructor(readonly error: unknown) {}
}

/**
 * Thrown by a task whose input cannot be sent again (a stream it has started to read): the failure
 * ends the operation at once, reported as any other, instead of a retry that could only refuse.
 */
export class CannotRetry {
  constructor(readonly error: unknown) {}
}

// 4xx replies are transient by RFC 959 (421 closing, 425/426 data connection, 450/451/452 busy or
// local error); 5xx ones are permanent: retrying a 530 or a 550 only repeats the refusal.
// Network trouble (errno codes, timeouts, a closed control connection) is transient too; anything
// else (a reply basic-ftp cannot parse, a TLS certificate refusal) would fail the same way again.
function isTransient(error: unknown): boolean {
  if (error instanceof FtpStoreError) return error.ftpCode === undefined ? isNetworkError(error.cause) : error.ftpCode >= 400 && error.ftpCode < 500;
  if (error instanceof FTPError) return error.code >= 400 && error.code < 500;
  return isNetworkError(error);
}

const NETWORK_MESSAGE = /timeout|closed|FIN packet|socket hang up|data connection/i;
const TLS_CODE = /CERT|SELF_SIGNED|TLS|SSL|HOSTNAME|ALTNAME/;

function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string') return code.startsWith('E') && !TLS_CODE.test(code);
  return NETWORK_MESSAGE.test(error.message);
}

function describeError(error: unknown): string {
  if (error instanceof FTPError) return `${error.code} ${error.message.replace(/^\d{3}[ -]/, '').trim()}`;
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}

function ftpCodeOf(error: unknown): number | undefined {
  return error instanceof FTPError ? error.code : undefined;
}

const BACKOFF_MS = 200;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function ftpConnection(options: ResolvedFtpOptions): FtpConnection {
  const name = describeFtp(options);
  let session: FtpSession | undefined;
  let connecting: Promise<FtpSession> | undefined;
  let tail: Promise<unknown> = Promise.resolve();
  let logins = 0;

  async function connect(): Promise<FtpSession> {
    const client = new Client(options.timeout * 1000);
    if (!options.passive) client.prepareTransfer = activeModeTransfer;
    try {
      await client.access({
        host: options.host,
        port: options.port,
        user: options.user,
        password: options.password,
        secure: options.secure,
        secureOptions: { rejectUnauthorized: options.tlsVerify, servername: options.host },
      });
    } catch (error) {
      client.close();
      const code = ftpCodeOf(error);
      if (code === 530 || code === 331 || code === 332) {
        throw new FtpStoreError(`FTP login to ${options.host}:${options.port} as "${options.user}" was refused (${describeError(error)}); check the user and password of ${name}`, code, { cause: error });
      }
      throw new FtpStoreError(`Cannot connect to FTP server ${options.host}:${options.port} (${describeError(error)})`, code, { cause: error });
    }
    logins++;
    const base = options.basePath;
    const root = base.startsWith('/') ? base : posix.join(await client.pwd(), base);
    return { client, root, knownDirs: new Set() };
  }

  function drop(): void {
    session?.client.close();
    session = undefined;
  }

  async function obtain(): Promise<FtpSession> {
    if (session !== undefined && !session.client.closed) return session;
    drop();
    connecting ??= connect().finally(() => {
      connecting = undefined;
    });
    session = await connecting;
    return session;
  }

  async function attempt<T>(label: string, task: (session: FtpSession) => Promise<T>, retries: number): Promise<T> {
    for (let tries = 0; ; tries++) {
      let s: FtpSession | undefined;
      try {
        s = await obtain();
        s.client.ftp.socket.ref();
        return await task(s);
      } catch (thrown) {
        if (thrown instanceof SourceFailure) {
          // basic-ftp closes the control connection when an upload's source fails.
          if (s?.client.closed) drop();
          throw thrown.error;
        }
        const error = thrown instanceof CannotRetry ? thrown.error : thrown;
        const transient = isTransient(error);
        // After a network failure or a 421 the connection is gone or unusable: start afresh.
        if (transient || s?.client.closed) drop();
        if (!transient || tries >= retries || thrown instanceof CannotRetry) {
          if (error instanceof FtpStoreError) throw error;
          throw new FtpStoreError(`${name}: ${label} failed${tries > 0 ? ` after ${tries + 1} attempts` : ''} (${describeError(error)})`, ftpCodeOf(error), { cause: error });
        }
        await sleep(BACKOFF_MS * (tries + 1));
      } finally {
        if (session !== undefined && !session.client.closed) session.client.ftp.socket.unref();
      }
    }
  }

  return {
    run(label, task, retries = options.retries) {
      const result = tail.then(() => attempt(label, task, retries));
      // The queue only orders operations: one failure must not fail the next.
      tail = result.catch(() => undefined);
      return result;
    },
    async close() {
      await tail;
      drop();
    },
    get logins() {
      return logins;
    },
  };
}

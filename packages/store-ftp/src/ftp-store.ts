import { createHash, randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { PassThrough, pipeline, Readable, Writable } from 'node:stream';
import { ConfigError, type Crawler, type FileStat, type FilesStore, type Logger, type PersistMeta } from '@crawl/core';
import { checkStorePath } from '@crawl/store-kit';
import { FTPError, type Client } from 'basic-ftp';
import { CannotRetry, ftpConnection, SourceFailure, type FtpSession } from './connection.js';
import { describeFtp, resolveFtpOptions, type FtpStoreOptions } from './options.js';

/** A FilesStore on an FTP server, plus streaming writes and appends (which feeds use). */
export interface FtpStore extends FilesStore {
  readonly scheme: 'ftp';
  /** `ftp://user:***@host:port/path`: the store as logs name it, password masked. */
  readonly description: string;
  /**
   * Uploads a body that arrives in chunks (a streamed download, a local feed file) without holding
   * it whole: to a temporary sibling, renamed onto `path` once complete. A source that fails leaves
   * the previous file (or none) at `path`, and the promise rejects with the source's error.
   */
  persistStream(path: string, source: Readable | AsyncIterable<Uint8Array>, meta?: PersistMeta): Promise<void>;
  /** Appends to a file (FTP APPE), creating it when missing: lets `overwrite: false` feeds work. */
  appendStream(path: string, source: Readable | AsyncIterable<Uint8Array>): Promise<void>;
  /** Waits for queued operations and closes the connection (a later operation reconnects). */
  close(): Promise<void>;
  /** Logins so far: 1 while the one connection survives. */
  readonly logins: number;
}

function isMissing(error: unknown): boolean {
  // 550: no such file (or not a plain file); some servers say 450 or 553 for a missing parent.
  return error instanceof FTPError && (error.code === 550 || error.code === 450 || error.code === 553);
}

/** Enters `dir`, creating what is missing; a directory entered once is entered with one CWD next time. */
async function enterDir(session: FtpSession, dir: string): Promise<void> {
  const { client, knownDirs } = session;
  if (knownDirs.has(dir)) {
    try {
      await client.cd(dir);
      return;
    } catch (error) {
      if (!(error instanceof FTPError)) throw error;
      knownDirs.delete(dir); // removed behind our back: create it again
    }
  }
  await client.ensureDir(dir);
  knownDirs.add(dir);
}

function toReadable(source: Readable | AsyncIterable<Uint8Array> | Uint8Array): Readable {
  if (source instanceof Readable) return source;
  if (source instanceof Uint8Array) return Readable.from([Buffer.from(source.buffer, source.byteOffset, source.byteLength)]);
  return Readable.from(bytesOf(source), { objectMode: false });
}

async function* bytesOf(source: AsyncIterable<unknown>): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    if (!(chunk instanceof Uint8Array)) throw new ConfigError(`ftpStore: a source stream yielded ${typeof chunk}, not a Uint8Array`);
    yield chunk;
  }
}

function isStreamSource(value: unknown): value is Readable | AsyncIterable<Uint8Array> {
  return typeof value === 'object' && value !== null && typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

/**
 * What basic-ftp uploads from: a pass-through of `source`, so that after a failure we know whether
 * the source failed first. basic-ftp destroys the stream it was given when the transfer fails, with
 * the transfer's error, which would otherwise look like the source's own.
 */
function watch(source: Readable): { readable: Readable; sourceError(): { error: unknown } | undefined } {
  const readable = new PassThrough();
  let first: { fromSource: boolean; error: unknown } | undefined;
  source.once('error', (error) => void (first ??= { fromSource: true, error }));
  readable.once('error', (error) => void (first ??= { fromSource: false, error }));
  // Also destroys the source (a download feeding it) when the transfer fails.
  pipeline(source, readable, () => undefined);
  return { readable, sourceError: () => (first?.fromSource === true ? first : undefined) };
}

// Dot-prefixed (left out of plain listings) and in the same directory, so that RNTO is a rename
// rather than a move; the name is shortened so the suffix cannot push it past a 255-byte limit.
function tempNameFor(name: string): string {
  return `.${name.slice(0, 200)}.${randomBytes(6).toString('hex')}.tmp`;
}

/**
 * RNFR/RNTO onto `to`. Some servers (IIS among them) refuse with 5xx to rename onto an existing
 * file: then, and only if `to` does exist, it is deleted and the rename repeated; a refusal for
 * another reason leaves the existing file alone.
 */
async function moveOnto(client: Client, from: string, to: string): Promise<void> {
  const rnfr = async (): Promise<unknown> => client.send(`RNFR ${await client.protectWhitespace(from)}`);
  const rnto = async (): Promise<unknown> => client.send(`RNTO ${await client.protectWhitespace(to)}`);
  await rnfr();
  try {
    await rnto();
  } catch (error) {
    if (!(error instanceof FTPError) || error.code < 500) throw error;
    const exists = await sizeOf(client, to).then(
      () => true,
      (e: unknown) => {
        if (isMissing(e)) return false;
        throw e;
      },
    );
    if (!exists) throw error;
    await client.remove(to);
    await rnfr();
    await rnto();
  }
}

/** SIZE in bytes; undefined when the server's 213 reply carries no number (ftp-srv does this for empty files). */
async function sizeOf(client: Client, file: string): Promise<number | undefined> {
  const res = await client.send(`SIZE ${await client.protectWhitespace(file)}`);
  const match = /^213[ -](\d+)\s*$/.exec(res.message.trim());
  return match === null ? undefined : Number(match[1]);
}

async function md5Remote(client: Client, file: string): Promise<string> {
  const hash = createHash('md5');
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback();
    },
  });
  await client.downloadTo(sink, file);
  return hash.digest('hex');
}

/**
 * Scrapy's FTPFilesStore on basic-ftp: files go to `basePath/<path>` on the server, directories
 * are created as needed, `stat()` asks MDTM and SIZE. One connection is reused for every
 * operation, one at a time, reconnecting after failures; transient failures are retried
 * `retries` times. Paths are confined to the store directory as in @crawl/store-fs.
 */
export function ftpStore(options: FtpStoreOptions): FtpStore {
  const opts = resolveFtpOptions(options);
  const description = describeFtp(opts);
  const connection = ftpConnection(opts);
  let log: Logger | undefined;

  const target = (session: FtpSession, path: string): { dir: string; name: string; file: string } => {
    const segments = checkStorePath(path);
    const name = segments.pop();
    if (name === undefined) throw new ConfigError(`Store path ${JSON.stringify(path)} names no file`);
    const dir = posix.join(session.root, ...segments);
    return { dir, name, file: posix.join(dir, name) };
  };

  const append = async (path: string, source: () => Readable): Promise<void> => {
    checkStorePath(path);
    return connection.run(`append ${JSON.stringify(path)}`, async (session) => {
      const { dir, name } = target(session, path);
      await enterDir(session, dir);
      // A stream can be read once: a retried attempt needs a fresh one, so sources are factories.
      await session.client.appendFrom(source(), name);
    });
  };

  // Queued like any operation (never in the middle of another one's transfer) and tried once: the
  // upload has failed already, and a temporary file left over is only clutter.
  const removeLater = (files: readonly string[]): void => {
    const names = files.join(', ');
    connection
      .run(`remove ${names}`, async (session) => {
        for (const file of files) await session.client.remove(file, true);
      }, 0)
      .catch((error: unknown) => log?.warn(`${description}: could not remove the temporary file(s) ${names} of a failed upload (${error instanceof Error ? error.message : String(error)}); they can be deleted`));
  };

  /**
   * STOR to a temporary sibling, then RNFR/RNTO onto the final name: a transfer that breaks off
   * leaves at most the temporary file, never a truncated file under the real name that a later
   * stat() would take for complete. A failed attempt's temporary file is removed, over a new
   * connection when the failure took this one (basic-ftp closes it when the source fails).
   */
  const replace = async (path: string, source: () => { readable: Readable; sourceError?: () => { error: unknown } | undefined }, retriable: boolean): Promise<void> => {
    checkStorePath(path);
    const stranded: string[] = [];
    try {
      await connection.run(`upload ${JSON.stringify(path)}`, async (session) => {
        const { dir, name, file } = target(session, path);
        await enterDir(session, dir);
        const temp = posix.join(dir, tempNameFor(name));
        const { readable, sourceError } = source();
        try {
          await session.client.uploadFrom(readable, temp);
          await moveOnto(session.client, temp, file);
        } catch (error) {
          if (session.client.closed) stranded.push(temp);
          else await session.client.remove(temp, true).catch(() => void stranded.push(temp));
          const failed = sourceError?.();
          if (failed !== undefined) throw new SourceFailure(failed.error);
          throw retriable ? error : new CannotRetry(error);
        }
      });
    } finally {
      if (stranded.length > 0) removeLater(stranded);
    }
  };

  const oneShot = (what: string, source: Readable | AsyncIterable<Uint8Array>): (() => Readable) => {
    let used = false;
    return () => {
      if (used) throw new ConfigError(`${description}: ${what} cannot be retried because its source stream was already read`);
      used = true;
      return toReadable(source);
    };
  };

  return {
    name: '@crawl/store-ftp',
    scheme: 'ftp',
    description,

    open(crawler: Crawler): void {
      log = crawler.logger.child('@crawl/store-ftp');
      log.debug(`FTP store ${description}`);
    },

    async close(): Promise<void> {
      await connection.close();
    },

    persist(path: string, body: Uint8Array): Promise<void> {
      if (!(body instanceof Uint8Array)) return Promise.reject(new ConfigError(`ftpStore.persist(${JSON.stringify(path)}): body must be a Uint8Array, got ${typeof body}`));
      // Through a temporary file too: a connection lost mid-transfer must not leave a truncated file
      // that stat() reports, and a media pipeline would then consider up to date.
      return replace(path, () => ({ readable: toReadable(body) }), true);
    },

    persistStream(path, source): Promise<void> {
      if (!isStreamSource(source)) return Promise.reject(new ConfigError(`ftpStore.persistStream(${JSON.stringify(path)}): source must be a Node readable or an AsyncIterable<Uint8Array>, got ${source === null ? 'null' : typeof source}`));
      const next = oneShot('upload', source);
      return replace(path, () => watch(next()), false);
    },

    appendStream(path, source): Promise<void> {
      return append(path, oneShot('append', source));
    },

    async stat(path: string): Promise<FileStat | undefined> {
      checkStorePath(path);
      return connection.run(`stat ${JSON.stringify(path)}`, async (session) => {
        const { file } = target(session, path);
        let size: number | undefined;
        let lastModified: Date;
        try {
          size = await sizeOf(session.client, file);
          lastModified = await session.client.lastMod(file);
        } catch (error) {
          if (isMissing(error)) return undefined;
          throw error;
        }
        if (Number.isNaN(lastModified.getTime())) throw new Error(`unparsable MDTM reply for ${file}`);
        const checksum = opts.checksum ? await md5Remote(session.client, file) : undefined;
        return { lastModified, ...(size === undefined ? {} : { size }), ...(checksum === undefined ? {} : { checksum }) };
      });
    },

    get logins() {
      return connection.logins;
    },
  };
}

import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { ConfigError, type Crawler, type FileStat, type FilesStore, type PersistMeta } from '@crawl/core';
import { checkStorePath } from '@crawl/store-fs';
import { FTPError, type Client } from 'basic-ftp';
import { ftpConnection, type FtpSession } from './connection.js';
import { describeFtp, resolveFtpOptions, type FtpStoreOptions } from './options.js';

/** A FilesStore on an FTP server, plus streaming writes and appends (which feeds use). */
export interface FtpStore extends FilesStore {
  readonly scheme: 'ftp';
  /** `ftp://user:***@host:port/path`: the store as logs name it, password masked. */
  readonly description: string;
  /** Uploads a body that arrives in chunks (a local feed file) without holding it whole. */
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
  return Readable.from(source);
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

  const target = (session: FtpSession, path: string): { dir: string; name: string; file: string } => {
    const segments = checkStorePath(path);
    const name = segments.pop();
    if (name === undefined) throw new ConfigError(`Store path ${JSON.stringify(path)} names no file`);
    const dir = posix.join(session.root, ...segments);
    return { dir, name, file: posix.join(dir, name) };
  };

  const upload = async (label: string, path: string, source: () => Readable, append: boolean): Promise<void> => {
    checkStorePath(path);
    return connection.run(`${label} ${JSON.stringify(path)}`, async (session) => {
      const { dir, name } = target(session, path);
      await enterDir(session, dir);
      // A stream can be read once: a retried attempt needs a fresh one, so sources are factories.
      if (append) await session.client.appendFrom(source(), name);
      else await session.client.uploadFrom(source(), name);
    });
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
      crawler.logger.debug(`FTP store ${description}`);
    },

    async close(): Promise<void> {
      await connection.close();
    },

    persist(path: string, body: Uint8Array): Promise<void> {
      if (!(body instanceof Uint8Array)) return Promise.reject(new ConfigError(`ftpStore.persist(${JSON.stringify(path)}): body must be a Uint8Array, got ${typeof body}`));
      return upload('upload', path, () => toReadable(body), false);
    },

    persistStream(path, source): Promise<void> {
      return upload('upload', path, oneShot('upload', source), false);
    },

    appendStream(path, source): Promise<void> {
      return upload('append', path, oneShot('append', source), true);
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

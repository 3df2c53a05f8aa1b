import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** What a streamed write reports: the bytes written and their MD5 hex. */
export interface StreamWriteResult {
  readonly size: number;
  readonly checksum: string;
}

// A dot-prefixed sibling: the same directory keeps rename() atomic (same filesystem), and the
// name makes a leftover from a crash easy to recognise.
function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

async function discard(temp: string): Promise<void> {
  await unlink(temp).catch(() => undefined);
}

/** How many directories a store remembers before it forgets them all and learns them again. */
export const DIR_CACHE_LIMIT = 4096;

/**
 * The directories a store has created or found existing (Scrapy's FSFilesStore keeps the same
 * set), so a write costs no mkdir() after the first one in its directory. Bounded: past `limit`
 * entries the set is cleared. Concurrent first writes into one directory share one mkdir().
 */
export interface DirCache {
  has(dir: string): boolean;
  /** Creates `dir` (recursively) unless a creation is already under way, then remembers it. */
  ensure(dir: string): Promise<void>;
  forget(dir: string): void;
}

export function createDirCache(limit: number = DIR_CACHE_LIMIT): DirCache {
  const known = new Set<string>();
  const pending = new Map<string, Promise<void>>();
  return {
    has: (dir) => known.has(dir),
    ensure(dir) {
      let created = pending.get(dir);
      if (created === undefined) {
        created = mkdir(dir, { recursive: true })
          .then(() => {
            if (known.size >= limit) known.clear();
            known.add(dir);
          })
          .finally(() => pending.delete(dir));
        pending.set(dir, created);
      }
      return created;
    },
    forget: (dir) => void known.delete(dir),
  };
}

function isMissingDir(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * Opens a fresh temp file next to `target`, creating its directory unless `dirs` remembers it.
 * A remembered directory that was removed (or replaced) since is forgotten, created again, and
 * the open retried once; the mkdir() then fails as it would have without the cache.
 */
async function openTemp(target: string, dirs: DirCache): Promise<{ temp: string; handle: FileHandle }> {
  const dir = dirname(target);
  const remembered = dirs.has(dir);
  if (!remembered) await dirs.ensure(dir);
  const temp = tempPathFor(target);
  try {
    return { temp, handle: await open(temp, 'wx') };
  } catch (error) {
    if (!remembered || !isMissingDir(error)) throw error;
    dirs.forget(dir);
    await dirs.ensure(dir);
    return { temp, handle: await open(temp, 'wx') };
  }
}

/** Writes `body` to `target` through a temp file and a rename, so readers never see a partial file. */
export async function writeFileAtomic(target: string, body: Uint8Array, fsync: boolean, dirs: DirCache): Promise<void> {
  const { temp, handle } = await openTemp(target, dirs);
  try {
    try {
      await handle.writeFile(body);
      if (fsync) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await discard(temp);
    throw error;
  }
}

/** Streams `source` to `target` atomically, hashing on the way so the body is never held whole. */
export async function streamFileAtomic(
  target: string,
  source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
  fsync: boolean,
  dirs: DirCache,
): Promise<StreamWriteResult> {
  // Opened before the source is read, so a missing directory is retried with nothing consumed.
  const { temp, handle } = await openTemp(target, dirs);
  const hash = createHash('md5');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  try {
    // The stream closes the handle when it finishes or fails (autoClose).
    await pipeline(source, tap, handle.createWriteStream());
    if (fsync) {
      const written = await open(temp, 'r+');
      try {
        await written.sync();
      } finally {
        await written.close();
      }
    }
    await rename(temp, target);
  } catch (error) {
    await handle.close().catch(() => undefined); // a no-op when already closed
    await discard(temp);
    throw error;
  }
  return { size, checksum: hash.digest('hex') };
}

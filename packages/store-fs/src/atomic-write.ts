import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
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

/** Writes `body` to `target` through a temp file and a rename, so readers never see a partial file. */
export async function writeFileAtomic(target: string, body: Uint8Array, fsync: boolean): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temp = tempPathFor(target);
  try {
    const handle = await open(temp, 'wx');
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
): Promise<StreamWriteResult> {
  await mkdir(dirname(target), { recursive: true });
  const temp = tempPathFor(target);
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
    const out = createWriteStream(temp, { flags: 'wx' });
    await pipeline(source, tap, out);
    if (fsync) {
      const handle = await open(temp, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    await rename(temp, target);
  } catch (error) {
    await discard(temp);
    throw error;
  }
  return { size, checksum: hash.digest('hex') };
}

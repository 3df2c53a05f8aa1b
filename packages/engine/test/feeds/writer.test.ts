import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createFeedWriter } from '../../src/feeds/index.js';

/** A stream that completes each write on a later turn, so its buffer fills up. */
function slowSink(highWaterMark: number) {
  const chunks: string[] = [];
  let peakBuffered = 0;
  const stream = new Writable({
    highWaterMark,
    decodeStrings: false,
    write(chunk: string, _encoding, callback) {
      chunks.push(chunk);
      setImmediate(callback);
    },
  });
  const origWrite = stream.write.bind(stream);
  stream.write = ((chunk: string) => {
    const ok = origWrite(chunk);
    peakBuffered = Math.max(peakBuffered, stream.writableLength);
    return ok;
  }) as typeof stream.write;
  return { stream, chunks, peak: () => peakBuffered };
}

describe('createFeedWriter', () => {
  it('makes an awaiting producer wait for drain, keeping the buffer near the high-water mark', async () => {
    const hwm = 256;
    const sink = slowSink(hwm);
    const writer = createFeedWriter(sink.stream);
    let waits = 0;
    const line = (i: number) => `${JSON.stringify({ i, pad: 'x'.repeat(40) })}\n`;
    for (let i = 0; i < 2000; i++) {
      const p = writer.write(line(i));
      if (p !== undefined) {
        waits++;
        await p;
      }
    }
    await writer.flush();
    sink.stream.end();
    await new Promise((resolve) => sink.stream.on('finish', resolve));
    expect(waits).toBeGreaterThan(10);
    expect(sink.peak()).toBeLessThanOrEqual(hwm + line(1999).length);
    expect(sink.chunks.join('')).toBe(Array.from({ length: 2000 }, (_, i) => line(i)).join(''));
  });

  it('keeps order when a producer does not wait, queueing behind the drain', async () => {
    const sink = slowSink(64);
    const writer = createFeedWriter(sink.stream);
    const promises = new Set<Promise<void>>();
    for (let i = 0; i < 500; i++) {
      const p = writer.write(`${i}\n`);
      if (p !== undefined) promises.add(p);
    }
    // Every caller during one congestion shares a single promise: no per-item allocation.
    expect(promises.size).toBe(1);
    await writer.flush();
    sink.stream.end();
    await new Promise((resolve) => sink.stream.on('finish', resolve));
    expect(sink.chunks.join('')).toBe(Array.from({ length: 500 }, (_, i) => `${i}\n`).join(''));
  });

  it('settles waiters and records the error when the stream fails, dropping later writes', async () => {
    const stream = new Writable({
      highWaterMark: 8,
      write(_chunk, _encoding, callback) {
        setImmediate(() => callback(new Error('disk full')));
      },
    });
    const writer = createFeedWriter(stream);
    const p = writer.write('0123456789abcdef');
    expect(p).toBeInstanceOf(Promise);
    await p;
    expect((writer.error as Error).message).toBe('disk full');
    expect(writer.write('more')).toBeUndefined();
    await expect(writer.flush()).resolves.toBeUndefined();
  });
});

describe('createFeedWriter on a file', () => {
  it('gathers items into few writes and writes the rest on flush', async () => {
    const { createWriteStream, mkdtempSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'feed-writer-'));
    try {
      const path = join(dir, 'items.jsonl');
      const stream = createWriteStream(path);
      await new Promise((resolve) => stream.once('open', resolve));
      let writes = 0;
      const write = stream._write.bind(stream);
      const writev = stream._writev!.bind(stream);
      stream._write = (chunk, encoding, callback) => {
        writes++;
        write(chunk, encoding, callback);
      };
      stream._writev = (chunks, callback) => {
        writes++;
        writev(chunks, callback);
      };
      const writer = createFeedWriter(stream);
      const line = (i: number) => `${JSON.stringify({ i, pad: 'x'.repeat(200) })}\n`;
      for (let i = 0; i < 1000; i++) {
        const p = writer.write(line(i));
        if (p !== undefined) await p;
        // Items arrive on separate turns, as from a crawl.
        if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      await writer.flush();
      stream.end();
      await new Promise<void>((resolve) => stream.on('finish', () => resolve()));
      const expected = Array.from({ length: 1000 }, (_, i) => line(i)).join('');
      expect(readFileSync(path, 'utf8')).toBe(expected);
      // About 220 KB in 8 KB batches: a few dozen writes, not one per item.
      expect(writes).toBeLessThanOrEqual(Math.ceil(expected.length / 8192) + 1);
      expect(writer.error).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

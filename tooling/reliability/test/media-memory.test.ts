import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineSpider } from '@crawl/core';
import { filesPipeline } from '@crawl/pipeline-files';
import type { RouteHandler } from '@crawl/test-servers';
import { afterEach, describe, expect, it } from 'vitest';
import { ServerPool } from './servers.js';
import { defaultCrawler } from './support.js';

const pool = new ServerPool();
let dir: string | undefined;
afterEach(async () => {
  await pool.closeAll();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const MiB = 1024 * 1024;
const FILE = 64 * MiB;
const chunk = Buffer.alloc(MiB, 0x61);

/** FILE bytes, written a MiB at a time with back-pressure (the server never holds the file). */
const big: RouteHandler = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(FILE) });
  let sent = 0;
  const pump = (): void => {
    while (sent < FILE) {
      sent += MiB;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
};

describe('media memory', () => {
  // S13 (GHSA-h7wm-ph43-c39p): media bodies stream to the store with bounded buffers (the files
  // pipeline asks for meta.streamBody; the download pauses the socket while the store is behind).
  // Scaled down from the advisory's 50 × 200 MiB with a 1 GiB cap: 4 parallel 64 MiB files must not
  // raise RSS by anything near their size.
  it('S13: 4 parallel 64 MiB media downloads stay within 128 MiB of RSS growth (bodies streamed, not buffered)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'crawl-rel-s13-'));
    const a = await pool.start('127.0.0.1', { '/f1.bin': big, '/f2.bin': big, '/f3.bin': big, '/f4.bin': big });
    const spider = defineSpider({
      name: 's13',
      *start() {
        yield { file_urls: [1, 2, 3, 4].map((i) => `http://a.test:${a.port}/f${i}.bin`) };
      },
      parse() {},
    });
    const base = process.memoryUsage().rss;
    let peak = base;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    try {
      const { stats } = await defaultCrawler(spider, { itemPipelines: [filesPipeline({ store: dir })] }).crawl();
      expect(stats['file_count']).toBe(4);
    } finally {
      clearInterval(sampler);
    }
    expect((await stat(join(dir, 'full'))).isDirectory()).toBe(true);
    console.log(`S13: peak RSS growth ${((peak - base) / MiB).toFixed(0)} MiB for 4 × 64 MiB`);
    expect(peak - base).toBeLessThan(128 * MiB);
  });
});

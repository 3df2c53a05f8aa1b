/**
 * Images per second through a real crawl: a loopback server serves distinct photo-like images,
 * items carry one URL each, and imagesPipeline stores each with two thumbnails (small 50x50,
 * big 270x270). Not a test: it prints a number for the README. Build first (`pnpm build`).
 *
 *   node bench/images-per-second.mjs [count=300] [width=800] [height=600]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Crawler } from '@crawl/engine';
import { httpHandler } from '@crawl/http';
import sharp from 'sharp';
import { imagesPipeline } from '../dist/index.js';

const count = Number(process.argv[2] ?? 300);
const width = Number(process.argv[3] ?? 800);
const height = Number(process.argv[4] ?? 600);
const VARIANTS = 12;

/** Smooth gradients plus noise: compresses like a photo, unlike a flat colour. */
async function photo(seed, format) {
  const raw = Buffer.alloc(width * height * 3);
  let state = seed * 2654435761;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      state = (state * 1103515245 + 12345) >>> 0;
      const noise = (state >>> 24) & 31;
      const i = (y * width + x) * 3;
      raw[i] = (x * 255) / width + noise;
      raw[i + 1] = (y * 255) / height + noise;
      raw[i + 2] = ((x + y + seed * 40) % 256) ^ noise;
    }
  }
  const img = sharp(raw, { raw: { width, height, channels: 3 } });
  return format === 'png' ? img.png().toBuffer() : img.jpeg({ quality: 85 }).toBuffer();
}

async function run(format) {
  const bodies = await Promise.all(Array.from({ length: VARIANTS }, (_, i) => photo(i + 1, format)));
  const type = format === 'png' ? 'image/png' : 'image/jpeg';
  const server = createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': 2 });
      return res.end('ok');
    }
    const i = Number(/\/img\/(\d+)\./.exec(req.url ?? '')?.[1] ?? -1);
    const body = bodies[i % VARIANTS];
    if (i < 0 || body === undefined) {
      res.writeHead(404, { 'Content-Length': 0 });
      return res.end();
    }
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const store = mkdtempSync(join(tmpdir(), 'crawl-images-bench-'));
  const spider = {
    name: 'images-bench',
    startUrls: [`${base}/`],
    parse: () => Array.from({ length: count }, (_, i) => ({ image_urls: [`${base}/img/${i}.${format === 'png' ? 'png' : 'jpg'}`] })),
  };
  const crawler = new Crawler(spider, {
    downloadHandlers: [httpHandler()],
    itemPipelines: [imagesPipeline({ store, thumbs: { small: [50, 50], big: [270, 270] } })],
    settings: { logStatsInterval: 0, logLevel: 'warn' },
  });
  const started = performance.now();
  const { stats } = await crawler.crawl();
  const seconds = (performance.now() - started) / 1000;
  server.close();
  rmSync(store, { recursive: true, force: true });
  const stored = stats['file_status_count/downloaded'] ?? 0;
  const kb = Math.round(bodies.reduce((n, b) => n + b.length, 0) / VARIANTS / 1024);
  console.log(`${format.toUpperCase()} ${width}x${height} (~${kb} KiB each): ${stored}/${count} images + 2 thumbnails each in ${seconds.toFixed(2)} s = ${(stored / seconds).toFixed(1)} images/s`);
}

console.log(`node ${process.version}, sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}), libvips threads ${sharp.concurrency()}, UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? 4}`);
await run('jpeg');
await run('png');

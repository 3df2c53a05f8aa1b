import { startTestServer, type TestServer } from '@crawl/test-servers';
import { encodePng } from './png.js';

/** The images App 2 downloads: two distinct sizes, so thumbnails of each can be told apart. */
export const SITE_IMAGES: Readonly<Record<string, { width: number; height: number; rgb: readonly [number, number, number] }>> = {
  'a.png': { width: 64, height: 48, rgb: [200, 30, 30] },
  'b.png': { width: 40, height: 80, rgb: [20, 160, 60] },
};

const page = (title: string, body: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;

/**
 * The loopback site the consumer apps crawl. Each app run uses its own path prefix
 * (`/esm/`, `/cjs/` …) so per-path state such as the flaky page's first failure is per run.
 *
 * - `/<run>/` links to item/1..3 and flaky
 * - `/<run>/flaky` answers 503 the first time, then a page (the retry middleware retries it)
 * - `/<run>/gone` always answers 503 (the app requests it with `meta.dontRetry`)
 * - `/<run>/gallery` has two `<img>`; `/<run>/img/a.png` and `b.png` are real PNGs
 */
export async function startSite(): Promise<TestServer> {
  const hits = new Map<string, number>();
  const images = new Map(Object.entries(SITE_IMAGES).map(([name, spec]) => [name, encodePng(spec.width, spec.height, spec.rgb)]));
  return startTestServer({
    fallback(req, res) {
      const path = new URL(req.url ?? '/', 'http://site').pathname;
      const count = (hits.get(path) ?? 0) + 1;
      hits.set(path, count);
      const match = /^\/[a-z0-9-]+\/(.*)$/.exec(path);
      const rest = match?.[1];
      const html = (status: number, body: string): void => {
        res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
      };
      if (rest === '') {
        html(200, page('Index', '<a href="item/1">1</a> <a href="item/2">2</a> <a href="item/3">3</a> <a href="flaky">flaky</a>'));
      } else if (rest !== undefined && /^item\/[1-3]$/.test(rest)) {
        html(200, page(`Item ${rest.slice(5)}`, ''));
      } else if (rest === 'flaky') {
        if (count === 1) html(503, page('Busy', ''));
        else html(200, page('Flaky', ''));
      } else if (rest === 'gone') {
        html(503, page('Gone', ''));
      } else if (rest === 'gallery') {
        html(200, page('Gallery', '<img src="img/a.png"> <img src="img/b.png">'));
      } else if (rest?.startsWith('img/') && images.has(rest.slice(4))) {
        const png = images.get(rest.slice(4))!;
        res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': png.length });
        res.end(png);
      } else {
        html(404, page('Not found', ''));
      }
    },
  });
}

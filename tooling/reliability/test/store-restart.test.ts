import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineSpider } from '@crawl/core';
import { startFaultSite, type FaultSite } from '@crawl/fault-site';
import type { FileInfo } from '@crawl/pipeline-files';
import { imagesPipeline } from '@crawl/pipeline-images';
import { ftpStore } from '@crawl/store-ftp';
import { startFtpServer, type FtpTestServer } from '@crawl/test-servers';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultCrawler, type Logged } from './support.js';
import { startTcpRelay, type TcpRelay } from './tcp-relay.js';

interface Item {
  page: number;
  image_urls: string[];
  outcomes?: { url: string; ok: boolean; path?: string; checksum?: string | null; error?: string }[];
}

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('a store that goes away mid-crawl', () => {
  // The store retries 3 times with 200, 400, 600 ms pauses: a 0.4 s outage is ridden out, a 3 s one
  // fails the files caught in it, which must then be reported on their items.
  it.each([
    [400, 'ridden out by the store retries'],
    [3000, 'longer than the store retries'],
  ])('FTP server stopped for %i ms (%s) and restarted while the images pipeline stores there: every file is stored or its failure is on the item', async (outageMs) => {
    const root = await mkdtemp(join(tmpdir(), 'crawl-reliability-ftp-'));
    cleanup.push(() => rm(root, { recursive: true, force: true }));
    const ftp: FtpTestServer[] = [await startFtpServer({ root, user: 'media', password: 'Pw-rel1' })];
    cleanup.push(() => Promise.all(ftp.map((f) => f.close())));
    const relay: TcpRelay = await startTcpRelay(ftp[0]!.port);
    cleanup.push(() => relay.close());
    // 10 % of image URLs answer HTML (the fault site's image-html rule).
    const site: FaultSite = await startFaultSite({ pages: 120, imagesPerPage: 2, rules: [{ kind: 'image-html', share: 0.1, applies: 'images', failFirst: Infinity }] });
    cleanup.push(() => site.close());

    let storedBeforeOutage = -1;
    let stored = 0;
    let restarted: Promise<void> | undefined;
    const outage = async (): Promise<void> => {
      storedBeforeOutage = stored;
      await relay.stop();
      await ftp[0]!.close();
      await new Promise((r) => setTimeout(r, outageMs));
      ftp.push(await startFtpServer({ root, user: 'media', password: 'Pw-rel1' }));
      await relay.start(ftp.at(-1)!.port);
    };
    const store = ftpStore({ host: '127.0.0.1', port: relay.port, user: 'media', password: 'Pw-rel1', basePath: '/', retries: 3, timeout: 5 });
    const persist = store.persist.bind(store);
    // Count stores, and pull the plug once a third of the files are in.
    store.persist = async (path, body, meta) => {
      await persist(path, body, meta);
      if (++stored === 60) restarted = outage();
    };

    const items: Item[] = [];
    const spider = defineSpider({
      name: 'store-restart',
      *start() {
        for (let i = 0; i < 120; i++) yield { page: i, image_urls: [`${site.url}/img/${i}-0.png`, `${site.url}/img/${i}-1.png`] } satisfies Item;
      },
      parse() {},
    });
    const logs: Logged[] = [];
    const { reason, stats } = await defaultCrawler(spider, {
      logs,
      settings: { concurrentRequests: 8 },
      itemPipelines: [
        imagesPipeline<Item>({
          store,
          itemCompleted(results, item) {
            item.outcomes = results.map(([ok, r], k) =>
              ok ? { url: (r as FileInfo).url, ok, path: (r as FileInfo).path, checksum: (r as FileInfo).checksum } : { url: item.image_urls[k]!, ok, error: `${(r as Error).name}: ${(r as Error).message}` },
            );
            items.push(item);
            return item;
          },
        }),
      ],
    }).crawl();
    await restarted;
    expect(reason).toBe('finished');
    expect(storedBeforeOutage).toBe(60);
    expect(ftp.length).toBe(2);
    expect(ftp[1]!.logins()).toBeGreaterThan(0);
    expect(items).toHaveLength(120);

    const all = items.flatMap((i) => i.outcomes!);
    expect(all).toHaveLength(240);
    let ok = 0;
    for (const o of all) {
      if (o.ok) {
        ok++;
        // Stored means on disk, whole: the checksum is the MD5 of the stored file.
        const file = await readFile(join(root, o.path!));
        expect(createHash('md5').update(file).digest('hex'), o.url).toBe(o.checksum);
      } else {
        expect(o.error).toBeTruthy();
      }
    }
    const htmlImages = all.filter((o) => site.faultOf(new URL(o.url).pathname)?.kind === 'image-html');
    expect(htmlImages.length).toBeGreaterThan(10);
    for (const o of htmlImages) expect(o.ok, o.url).toBe(false);
    // Files were stored after the restart, not just before it.
    expect(ok).toBeGreaterThan(storedBeforeOutage);
    expect(stored).toBe(ok);
    // Every failure is also a warning in the log, never silent.
    const failed = all.filter((o) => !o.ok).length;
    const storeFailures = all.filter((o) => !o.ok && !htmlImages.includes(o));
    if (outageMs > 2000) expect(storeFailures.length).toBeGreaterThan(0);
    else expect(storeFailures).toEqual([]);
    expect(ok + failed).toBe(240);
    expect(logs.filter((l) => l.level === 'warn' || l.level === 'error').length).toBeGreaterThanOrEqual(failed);
    console.log(`store restart (${outageMs} ms): ${ok} stored, ${failed} failed (${htmlImages.length} HTML at image URLs; ${storeFailures[0]?.error ?? 'no store error'}); ${JSON.stringify(Object.fromEntries(Object.entries(stats).filter(([k]) => k.startsWith('file'))))}`);
  });
});

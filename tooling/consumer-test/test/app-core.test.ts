import { realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TestServer } from '@crawl/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ancestorNodeModules, createNpmApp, lastJsonLine, type NpmApp } from '../src/npm-app.js';
import { consumerContext, tarballsFor } from '../src/packed.js';
import { startSite } from '../src/site.js';

/** App 1 installs exactly these from the tarballs, plus typescript and @types/node for tsc. */
const PACKAGES = ['@crawl/core', '@crawl/engine', '@crawl/http', '@crawl/middleware-retry'];
const FIXTURES = resolve(import.meta.dirname, '../fixtures/app-core');
const RUN_TIMEOUT_MS = 60_000;

/** What both apps must print: four pages, the flaky one after one retry, and gone's failure (dontRetry). */
const EXPECTED_ITEMS = [
  { page: 'flaky', title: 'Flaky' },
  { page: 'gone', error: 'HttpError', status: 503 },
  { page: 'item/1', title: 'Item 1' },
  { page: 'item/2', title: 'Item 2' },
  { page: 'item/3', title: 'Item 3' },
];

interface AppOutput {
  format: string;
  reason: string;
  items: unknown[];
  retries: number;
  resolved: { core: string; retry: string };
}


describe('App 1: @crawl/core, engine, http and middleware-retry installed from tarballs by npm', () => {
  let site: TestServer | undefined;
  let app: NpmApp;
  let appDir: string;

  beforeAll(async () => {
    const { tarballs, missing } = tarballsFor(PACKAGES);
    if (missing.length > 0) throw new Error(`App 1 cannot be installed:\n${missing.join('\n')}`);
    const dir = join(consumerContext().workDir, 'app-core');
    expect(ancestorNodeModules(dir), 'node_modules folders above the app would leak packages into it').toEqual([]);
    app = await createNpmApp(dir, FIXTURES, [...tarballs, 'typescript@5', '@types/node@20']);
    appDir = realpathSync(dir);
    site = await startSite();
  });

  afterAll(async () => {
    await site?.close();
  });

  it('resolves one copy of @crawl/core for every package (the peer dependency)', async () => {
    const { stdout } = await app.npm(['ls', '@crawl/core', '--all', '--parseable'], RUN_TIMEOUT_MS);
    const copies = new Set(stdout.split('\n').filter((line) => line.endsWith('@crawl/core')));
    expect([...copies]).toEqual([join(appDir, 'node_modules/@crawl/core')]);
  });

  it('crawls as an ESM app', async () => {
    const result = await app.node('app.mjs', [`${site!.url}/esm/`], RUN_TIMEOUT_MS);
    const out = lastJsonLine<AppOutput>(result, 'app.mjs');
    expect(out.reason, result.stderr).toBe('finished');
    expect(out.items, result.stderr).toEqual(EXPECTED_ITEMS);
    expect(out.retries).toBe(1);
    expect(out.resolved.core).toBe(pathToFileURL(join(appDir, 'node_modules/@crawl/core/dist/index.js')).href);
    expect(out.resolved.retry).toBe(pathToFileURL(join(appDir, 'node_modules/@crawl/middleware-retry/dist/index.js')).href);
    const paths = site!.requests.filter((r) => r.url.startsWith('/esm/')).map((r) => r.url);
    expect(paths.filter((p) => p === '/esm/flaky')).toHaveLength(2);
    // meta.dontRetry reached the middleware: the 503 was not retried.
    expect(paths.filter((p) => p === '/esm/gone')).toHaveLength(1);
  });

  it('crawls as a CommonJS app', async () => {
    const result = await app.node('app.cjs', [`${site!.url}/cjs/`], RUN_TIMEOUT_MS);
    const out = lastJsonLine<AppOutput>(result, 'app.cjs');
    expect(out.reason, result.stderr).toBe('finished');
    expect(out.items, result.stderr).toEqual(EXPECTED_ITEMS);
    expect(out.retries).toBe(1);
    expect(out.resolved.core).toBe(join(appDir, 'node_modules/@crawl/core/dist/index.cjs'));
    expect(out.resolved.retry).toBe(join(appDir, 'node_modules/@crawl/middleware-retry/dist/index.cjs'));
    const paths = site!.requests.filter((r) => r.url.startsWith('/cjs/')).map((r) => r.url);
    expect(paths.filter((p) => p === '/cjs/flaky')).toHaveLength(2);
    expect(paths.filter((p) => p === '/cjs/gone')).toHaveLength(1);
  });

  it('type-checks app.ts (ESM) and app.cts (CommonJS) with tsc --noEmit under strict NodeNext', async () => {
    const result = await app.npx(['tsc', '--noEmit', '-p', 'tsconfig.json'], 120_000).catch((error: Error) => error);
    if (result instanceof Error) throw new Error(`tsc found errors in the consumer app:\n${result.message}`);
    expect(result.code).toBe(0);
  });
});

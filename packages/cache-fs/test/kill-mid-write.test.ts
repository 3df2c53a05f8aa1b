import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fingerprint, Request } from '@crawl/core';
import { fakeCrawler } from '@crawl/testing';
import { build } from 'tsup';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fsCacheStorage } from '../src/index.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const BODY_SIZE = 64 * 1024 * 1024;
let outDir = '';
const dirs: string[] = [];
let child: ChildProcess | undefined;

// The child runs the storage as a user would: built JS, no TypeScript loader. It is built into a
// temporary folder inside the package so that '@crawl/core' resolves from its node_modules.
beforeAll(async () => {
  outDir = await mkdtemp(join(packageDir, 'test', '.tmp-kill-'));
  await build({
    entry: { index: join(packageDir, 'src/index.ts') },
    format: ['esm'],
    outDir,
    dts: false,
    silent: true,
    config: false,
    target: 'node20',
    external: ['@crawl/core'],
  });
  await cp(join(packageDir, 'test/support/kill-writer.mjs'), join(outDir, 'kill-writer.mjs'));
}, 60_000);

afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
});

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** Size of a partially written response_body in the temporary area, if there is one yet. */
async function partialBodySize(tmpRoot: string): Promise<number | undefined> {
  let names: string[];
  try {
    names = await readdir(tmpRoot);
  } catch {
    return undefined;
  }
  for (const name of names) {
    try {
      const { size } = await stat(join(tmpRoot, name, 'response_body'));
      if (size > 0) return size;
    } catch {
      // not created yet
    }
  }
  return undefined;
}

/** Starts the writer and SIGKILLs it once part of the body is on disk. Returns the size seen then. */
async function killMidWrite(dir: string, gzip: boolean): Promise<number | 'finished'> {
  const proc = spawn(process.execPath, [join(outDir, 'kill-writer.mjs'), pathToFileURL(join(outDir, 'index.js')).href, dir, String(BODY_SIZE), gzip ? 'gzip' : 'plain'], {
    cwd: outDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('close', () => resolve()));
  const tmpRoot = join(dir, 'test', '.tmp');
  const deadline = Date.now() + 20_000;
  let seen: number | undefined;
  while (Date.now() < deadline && proc.exitCode === null) {
    seen = await partialBodySize(tmpRoot);
    if (seen !== undefined) break;
    await new Promise((r) => setTimeout(r, 1));
  }
  if (seen === undefined) {
    await exited;
    if (!stdout.includes('done')) throw new Error(`writer failed: ${stderr}`);
    return 'finished';
  }
  proc.kill('SIGKILL');
  await exited;
  expect(proc.signalCode).toBe('SIGKILL');
  return seen;
}

describe('fsCacheStorage: a writer killed mid-write', () => {
  for (const gzip of [false, true]) {
    it(`never leaves an entry that reads back truncated${gzip ? ' (gzip)' : ''}`, async () => {
      const request = new Request('http://a.test/big');
      const key = fingerprint(request);
      let killedMidWrite = false;
      // The body is large enough that the kill lands while it is being written; should the
      // writer ever win the race, the complete entry must read back whole, and we try again.
      for (let attempt = 0; attempt < 3 && !killedMidWrite; attempt++) {
        const dir = await mkdtemp(join(tmpdir(), 'crawl-cache-kill-'));
        dirs.push(dir);
        const outcome = await killMidWrite(dir, gzip);
        const storage = fsCacheStorage({ dir });
        const crawler = fakeCrawler();
        await storage.open!(crawler);
        const cached = await storage.retrieve(request, key);
        if (outcome === 'finished') {
          expect(cached!.body.byteLength).toBe(BODY_SIZE);
          continue;
        }
        killedMidWrite = true;
        if (!gzip) expect(outcome).toBeLessThan(BODY_SIZE);
        expect(cached).toBeUndefined();
        // No entry directory was ever created, and open() cleared the dead writer's leftovers.
        await expect(stat(join(dir, 'test', key.slice(0, 2), key))).rejects.toMatchObject({ code: 'ENOENT' });
        expect(await readdir(join(dir, 'test', '.tmp'))).toEqual([]);
      }
      expect(killedMidWrite).toBe(true);
    }, 90_000);
  }
});

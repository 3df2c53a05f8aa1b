import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { handlers, startTestServer, type TestServer } from '@crawl/test-servers';
import { build } from 'tsup';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
let outDir = '';
let server: TestServer | undefined;
let child: ChildProcess | undefined;

// The child runs the engine as a user would: built JS, no TypeScript loader. It is built into
// a temporary folder inside the package so that '@crawl/core' resolves from its node_modules.
beforeAll(async () => {
  outDir = await mkdtemp(join(packageDir, 'test', '.tmp-signals-'));
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
  await cp(join(packageDir, 'test/support/child-crawl.mjs'), join(outDir, 'child-crawl.mjs'));
}, 60_000);

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  await server?.close();
  server = undefined;
});

interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function startChild(baseUrl: string): { proc: ChildProcess; done: Promise<ChildResult>; stderr: () => string } {
  const proc = spawn(process.execPath, [join(outDir, 'child-crawl.mjs'), pathToFileURL(join(outDir, 'index.js')).href, baseUrl], {
    cwd: outDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<ChildResult>((resolve) => proc.on('close', (code) => resolve({ code, stdout, stderr })));
  child = proc;
  return { proc, done, stderr: () => stderr };
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('SIGINT handling (handleSignals: true)', () => {
  it('first SIGINT: in-flight requests complete, exit 0 with finish_reason "shutdown"', async () => {
    server = await startTestServer({ fallback: handlers.delay(500, handlers.html('<h1>slow</h1>')) });
    const { proc, done } = startChild(server.url);
    await until(() => server!.inFlight() === 2, 'two requests in flight');
    proc.kill('SIGINT');
    const { code, stdout, stderr } = await done;
    expect(code).toBe(0);
    expect(stderr).toContain('Received SIGINT, shutting down gracefully. Send again to force');
    const result = JSON.parse(stdout) as { reason: string; responses: number; items: number };
    expect(result.reason).toBe('shutdown');
    expect(result.responses).toBe(server.requests.length);
    expect(result.responses).toBeGreaterThanOrEqual(2);
    expect(result.responses).toBeLessThan(8);
    expect(result.items).toBe(result.responses);
  }, 30_000);

  it('second SIGINT aborts the stalled in-flight downloads and exits at once', async () => {
    server = await startTestServer({ fallback: handlers.stall() });
    const { proc, done, stderr } = startChild(server.url);
    await until(() => server!.inFlight() === 2, 'two requests in flight');
    proc.kill('SIGINT');
    await until(() => stderr().includes('Closing spider (shutdown)'), 'the graceful stop to begin');
    proc.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Received SIGINT twice, forcing unclean shutdown');
    expect(JSON.parse(result.stdout)).toEqual({ reason: 'shutdown', responses: 0, items: 0 });
  }, 30_000);
});

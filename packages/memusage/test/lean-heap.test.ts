import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LEAN_NEW_SPACE_BYTES } from '../src/index.js';

// V8's flags are process-wide and new space only grows, so each case runs in its own child
// process against the built package (`pnpm test` builds first).
const child = fileURLToPath(new URL('./fixtures/heap-child.mjs', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Bytes: new space at start, and its peak during each of the child's two rounds of allocation. */
interface NewSpace {
  start: number;
  held: number;
  released: number;
}

function run(flags: string[], mode: 'hold' | 'none'): Promise<NewSpace> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...flags, child, mode], { cwd: packageDir, timeout: 30_000, env: { ...process.env, NODE_OPTIONS: '' } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as NewSpace);
    });
  });
}

// Each child allocates ~400 MB (3–4 s alone, longer on a loaded CI machine).
describe('the lean heap', { timeout: 30_000 }, () => {
  it('stops new space at the lean size while held, and lets V8 grow it again once released', async () => {
    const { start, held, released } = await run([], 'hold');
    expect(start).toBeLessThan(LEAN_NEW_SPACE_BYTES);
    expect(held).toBeLessThanOrEqual(LEAN_NEW_SPACE_BYTES);
    expect(released).toBeGreaterThan(LEAN_NEW_SPACE_BYTES);
  });

  it('is what the same allocations do without it that it prevents', async () => {
    expect((await run([], 'none')).held).toBeGreaterThan(LEAN_NEW_SPACE_BYTES);
  });

  it('leaves the heap alone when the command line sets heap flags', async () => {
    expect((await run(['--semi-space-growth-factor=2'], 'hold')).held).toBeGreaterThan(LEAN_NEW_SPACE_BYTES);
  });

  it('holds from process start, for the life of the process, with --import @crawl/memusage/register', async () => {
    // The same allocations grow new space past the lean size without it (the second case).
    const { held, released } = await run(['--import', '@crawl/memusage/register'], 'none');
    expect(held).toBeLessThanOrEqual(LEAN_NEW_SPACE_BYTES);
    expect(released).toBeLessThanOrEqual(LEAN_NEW_SPACE_BYTES);
  });
});

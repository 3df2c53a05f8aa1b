import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LEAN_HEAP_GROWING_PERCENT, LEAN_NEW_SPACE_BYTES, RELAXED_GROWING_PERCENT } from '../src/index.js';

// V8's flags are process-wide and new space only grows, so each case runs in its own child
// process against the built package (`pnpm test` builds first).
const child = fileURLToPath(new URL('./fixtures/heap-child.mjs', import.meta.url));
const gcChild = fileURLToPath(new URL('./fixtures/gc-child.mjs', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Bytes: new space at start, and its peak during each of the child's two rounds of allocation. */
interface NewSpace {
  start: number;
  held: number;
  released: number;
}

function run(flags: string[], mode: 'hold' | 'none'): Promise<NewSpace> {
  return runChild<NewSpace>([...flags, child, mode]);
}

function runChild<T>(args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: packageDir, timeout: 30_000, env: { ...process.env, NODE_OPTIONS: '' } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as T);
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

  it('relaxes the growing percent while external memory starts the full collections, and is lean again once the heap does', async () => {
    // Real collections, forced in a sequence (gc-child.mjs), seen by the lean heap's GC observer.
    const steps = await runChild<Record<string, number | null>>(['--expose-gc', gcChild]);
    expect(steps).toEqual({
      held: LEAN_HEAP_GROWING_PERCENT,
      oneExternal: LEAN_HEAP_GROWING_PERCENT, // a mark-compact after no scavenge: one is not a pattern
      twoExternal: RELAXED_GROWING_PERCENT,
      between: RELAXED_GROWING_PERCENT, // three scavenges: neither
      heapDriven: LEAN_HEAP_GROWING_PERCENT, // six scavenges
      externalAgain: RELAXED_GROWING_PERCENT,
      released: null,
    });
  });
});

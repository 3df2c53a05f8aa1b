import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('./types/', import.meta.url));
function tsc(project: string): { ok: boolean; output: string } {
  try {
    const out = execFileSync('npx', ['tsc', '--noEmit', '-p', project], { cwd: dir, encoding: 'utf8', stdio: 'pipe', timeout: 120_000 });
    return { ok: true, output: out };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

describe('typed cbKwargs', () => {
  it('accepts matching cbKwargs and rejects every mismatch marked @ts-expect-error', () => {
    const r = tsc('tsconfig.json');
    expect(r.output).not.toMatch(/error TS/);
    expect(r.ok).toBe(true);
  }, 120_000);

  it('fails to compile when cbKwargs do not match the callback', () => {
    const r = tsc('tsconfig.must-fail.json');
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/must-fail\.ts\(10,.*error TS2322/);
    // Column 63 is `category: 42` inside cbKwargs.
    expect(r.output).toMatch(/must-fail\.ts\(10,63\).*'number' is not assignable to type 'string'/);
  }, 120_000);
});

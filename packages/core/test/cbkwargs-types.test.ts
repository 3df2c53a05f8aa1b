import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const project = fileURLToPath(new URL('./types/tsconfig.json', import.meta.url));

function tsc(): string {
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', project], { encoding: 'utf8', stdio: 'pipe', timeout: 60_000 });
    return '';
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message;
  }
}

describe('cbKwargs typing', () => {
  // The file holds the accepted uses and, under @ts-expect-error, the rejected ones: a missing or
  // wrong cbKwargs that compiled would leave an unused @ts-expect-error, which tsc reports.
  it('test/types/cbkwargs.ts type-checks with every rejected use rejected', () => {
    expect(tsc()).toBe('');
  }, 60_000);
});

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// V8's tier of a WebAssembly function is visible only through natives syntax, so the check runs
// in a child process against the built package (`pnpm test` builds first).
const child = fileURLToPath(new URL('./fixtures/parser-tier-child.mjs', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));

interface Tiers {
  parserBaseline: boolean;
  afterCloseBaseline: boolean;
  errors: number;
}

function run(flags: string[], mode: 'default' | 'tierUp'): Promise<Tiers> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--allow-natives-syntax', ...flags, child, mode], { cwd: packageDir, timeout: 20_000, env: { ...process.env, NODE_OPTIONS: '' } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as Tiers);
    });
  });
}

describe('WebAssembly tiers while the handler is open', () => {
  it("keeps undici's parser on baseline code while open, and gives V8 its defaults back on close", async () => {
    expect(await run([], 'default')).toEqual({ parserBaseline: true, afterCloseBaseline: false, errors: 0 });
  });

  it('leaves tiering alone with wasmTierUp: true', async () => {
    expect(await run([], 'tierUp')).toEqual({ parserBaseline: false, afterCloseBaseline: false, errors: 0 });
  });

  it('leaves tiering alone when the command line sets WebAssembly tier flags', async () => {
    expect(await run(['--wasm-dynamic-tiering'], 'default')).toEqual({ parserBaseline: false, afterCloseBaseline: false, errors: 0 });
  });
});

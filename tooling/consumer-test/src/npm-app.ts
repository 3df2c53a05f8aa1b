import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';
import { run, type RunResult } from './run.js';
import { isOutside } from './workspace.js';

const NPM_TIMEOUT_MS = 180_000;
/** Settings a user's own environment may carry; everything else npm_* comes from pnpm running us. */
const KEEP_NPM_ENV = new Set(['npm_config_registry', 'npm_config_cache', 'npm_config_userconfig']);

/**
 * The environment of a user's shell: without the npm_* variables that `pnpm run` sets (the
 * workspace's package name, lifecycle, pnpm's own config) and without vitest's NODE_ENV.
 */
export function userEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const key of Object.keys(process.env)) {
    const lower = key.toLowerCase();
    if ((lower.startsWith('npm_') && !KEEP_NPM_ENV.has(lower)) || lower.startsWith('pnpm_') || key === 'NODE_ENV' || key.startsWith('VITEST')) {
      env[key] = undefined;
    }
  }
  return env;
}

/** Ancestors of `dir` holding a node_modules folder: Node would resolve packages from them too. */
export function ancestorNodeModules(dir: string): string[] {
  const out: string[] = [];
  for (let current = dirname(dir); ; current = dirname(current)) {
    if (existsSync(join(current, 'node_modules'))) out.push(join(current, 'node_modules'));
    if (current === parse(current).root) return out;
  }
}

export interface NpmApp {
  dir: string;
  /** Runs `node <file> ...args` in the app, as a user would. */
  node(file: string, args: readonly string[], timeoutMs: number): Promise<RunResult>;
  npm(args: readonly string[], timeoutMs: number): Promise<RunResult>;
  /** `npx --no-install`: only what the app installed, never a download. */
  npx(args: readonly string[], timeoutMs: number): Promise<RunResult>;
}

/**
 * A fresh npm project in `dir` (outside the workspace) with the fixture files copied in and the
 * given tarballs and registry packages installed by npm, the way a user of the packages would.
 */
export async function createNpmApp(dir: string, fixtures: string, install: readonly string[]): Promise<NpmApp> {
  if (!isOutside(dir)) throw new Error(`${dir} is inside the workspace`);
  mkdirSync(dir, { recursive: true });
  const env = userEnv();
  await run('npm', ['init', '-y'], { cwd: dir, timeoutMs: 30_000, env });
  // Explicit, so app.ts is checked as ESM whatever npm's default for `type` is.
  await run('npm', ['pkg', 'set', 'type=module'], { cwd: dir, timeoutMs: 30_000, env });
  cpSync(fixtures, dir, { recursive: true });
  await run('npm', ['install', '--no-audit', '--no-fund', ...install], { cwd: dir, timeoutMs: NPM_TIMEOUT_MS, env });
  return {
    dir,
    node: (file, args, timeoutMs) => run(process.execPath, [file, ...args], { cwd: dir, timeoutMs, env }),
    npm: (args, timeoutMs) => run('npm', args, { cwd: dir, timeoutMs, env }),
    npx: (args, timeoutMs) => run('npx', ['--no-install', ...args], { cwd: dir, timeoutMs, env }),
  };
}

/**
 * The JSON an app prints on its last stdout line. The error names the app's stderr too: a crawl
 * that went wrong still exits 0 and says why only in its log.
 */
export function lastJsonLine<T>(result: RunResult, app: string): T {
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`${app} did not print JSON on its last line\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  }
}

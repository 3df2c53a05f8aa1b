import { run } from './run.js';
import { REPO_ROOT } from './workspace.js';

export interface BuildReport {
  /** Packages whose build task failed. */
  failed: string[];
  /** The end of one package's build output (turbo prefixes each line with `<name>:build: `). */
  logOf(name: string): string;
}

/** Parses turbo's summary line: `Failed:    @crawl/a#build, @crawl/b#build`. */
export function parseTurboFailures(output: string): string[] {
  const line = /^\s*Failed:\s+(.+)$/m.exec(output);
  if (!line) return [];
  return line[1]!
    .split(',')
    .map((task) => task.trim().replace(/#build$/, ''))
    .filter((name) => name !== '');
}

/**
 * Builds every package under packages/* through turbo (cached, so nearly free after `pnpm build`).
 * `--continue` keeps going past a broken package, so one unfinished package fails its own checks
 * instead of hiding the state of all the others.
 */
export async function buildPublishedPackages(timeoutMs: number): Promise<BuildReport> {
  const result = await run('pnpm', ['exec', 'turbo', 'run', 'build', '--continue', '--filter=./packages/*', '--output-logs=errors-only'], {
    cwd: REPO_ROOT,
    timeoutMs,
    allowFailure: true,
  });
  const output = `${result.stdout}\n${result.stderr}`;
  const failed = parseTurboFailures(output);
  if (result.code !== 0 && failed.length === 0) {
    throw new Error(`turbo run build failed without naming a package:\n${output.slice(-4000)}`);
  }
  return {
    failed,
    logOf(name) {
      const prefix = `${name}:build: `;
      const lines = output.split('\n').filter((line) => line.startsWith(prefix)).map((line) => line.slice(prefix.length));
      return lines.slice(-40).join('\n') || '(turbo printed no output for it)';
    },
  };
}

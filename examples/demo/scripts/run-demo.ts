/**
 * `pnpm demo`: serves the bundled shop on 127.0.0.1 and crawls it with the `crawl` CLI, as a
 * user would run it, writing out/demo/items.jsonl at the repository root.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '../src/serve-static.js';

const here = dirname(fileURLToPath(import.meta.url));
const demoDir = resolve(here, '..');
const repoRoot = resolve(demoDir, '../..');
const outFile = join(repoRoot, 'out/demo/items.jsonl');
const images = join(repoRoot, 'out/demo/images');
const require = createRequire(import.meta.url);
const cliBin = join(dirname(require.resolve('@crawl/cli/package.json')), 'dist/bin.js');

async function main(): Promise<number> {
  const server = await serveStatic(join(demoDir, 'site'));
  mkdirSync(dirname(outFile), { recursive: true });
  // The shop is served on a new port each run and stored images are named by a hash of their URL,
  // so an earlier run's covers would stay beside this run's: start clean, as -O does for the feed.
  rmSync(images, { recursive: true, force: true });
  process.stderr.write(`Serving the demo shop at ${server.url}/\n`);
  try {
    // `crawl crawl` with the demo's crawl.config.ts: the default middlewares and the images pipeline.
    const args = [cliBin, 'crawl', 'demo-books', '-a', `baseUrl=${server.url}`, '-O', outFile, ...process.argv.slice(2)];
    const code = await new Promise<number>((resolveCode) => {
      const child = spawn(process.execPath, args, { stdio: 'inherit', cwd: demoDir });
      // Ctrl-C reaches the child through the terminal's process group; keep serving until it exits.
      process.on('SIGINT', () => undefined);
      child.on('exit', (c, signal) => resolveCode(c ?? (signal ? 130 : 1)));
    });
    if (code !== 0) return code;
    const items = readFileSync(outFile, 'utf8').split('\n').filter((l) => l.trim() !== '').length;
    const expected = (JSON.parse(readFileSync(join(demoDir, 'site/manifest.json'), 'utf8')) as { books: number }).books;
    const stored = existsSync(join(images, 'full')) ? readdirSync(join(images, 'full')).length : 0;
    process.stderr.write(
      `\nWrote ${items} items (one per book; the shop has ${expected}) to ${relative(repoRoot, outFile)}\n` +
        `Stored ${stored} cover images with small and big thumbnails under ${relative(repoRoot, images)} (covers under 110 px are skipped)\n`,
    );
    return items === expected ? 0 : 1;
  } finally {
    await server.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

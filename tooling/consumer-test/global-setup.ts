import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildPublishedPackages } from './src/build.js';
import { packPackage } from './src/tarball.js';
import { isOutside, manifestTargets, publishedPackages } from './src/workspace.js';
import type { PackedPackage } from './src/packed.js';

const BUILD_TIMEOUT_MS = 240_000;
const PACK_TIMEOUT_MS = 60_000;

/**
 * Builds and packs every published package once, into a temporary directory outside the
 * workspace, and hands the tarball paths to the test files. The directory is removed at the end
 * (set CRAWL_CONSUMER_KEEP=1 to keep it for a look).
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const workDir = mkdtempSync(join(tmpdir(), 'crawl-consumer-'));
  if (!isOutside(workDir)) throw new Error(`The temporary directory ${workDir} is inside the workspace: set TMPDIR elsewhere`);
  const teardown = (): void => {
    if (process.env['CRAWL_CONSUMER_KEEP'] === '1') console.log(`consumer test: kept ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  };
  try {
    const packDir = join(workDir, 'tarballs');
    mkdirSync(packDir);
    const build = await buildPublishedPackages(BUILD_TIMEOUT_MS);
    const packages = publishedPackages();
    const packed: PackedPackage[] = [];
    // A few at a time: pnpm pack is quick, but 25 at once would only contend for the disk.
    for (let i = 0; i < packages.length; i += 4) {
      const batch = packages.slice(i, i + 4).map(async (pkg): Promise<PackedPackage> => {
        const base = { name: pkg.name, version: pkg.version, dir: pkg.dir, path: pkg.path, files: pkg.manifest.files ?? null };
        if (build.failed.includes(pkg.name)) return { ...base, buildError: `its build failed (turbo run build):\n${build.logOf(pkg.name)}` };
        const missing = manifestTargets(pkg.manifest).filter((target) => !existsSync(join(pkg.dir, target)));
        if (missing.length > 0) return { ...base, buildError: `the build did not produce ${missing.join(', ')}` };
        return { ...base, tarball: await packPackage(pkg, packDir, PACK_TIMEOUT_MS) };
      });
      packed.push(...(await Promise.all(batch)));
    }
    project.provide('consumer', { workDir, packages: packed });
  } catch (error) {
    teardown();
    throw error;
  }
  return teardown;
}

declare module 'vitest' {
  export interface ProvidedContext {
    consumer: { workDir: string; packages: PackedPackage[] };
  }
}

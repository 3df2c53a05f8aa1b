import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { importedPackages, undeclaredImports } from '../src/imports.js';
import { consumerContext } from '../src/packed.js';
import { extractTarball, listTarball, missingTargets, offendingEntries, readTarballManifest, workspaceRanges } from '../src/tarball.js';
import { readManifest } from '../src/workspace.js';

const TAR_TIMEOUT_MS = 30_000;
const { packages, workDir } = consumerContext();
const core = packages.find((p) => p.name === '@crawl/core');

describe.each(packages.map((p) => [p.name, p] as const))('%s tarball', (name, pkg) => {
  it('declares files: ["dist"]', () => {
    expect(pkg.files, `${pkg.path}/package.json "files"`).toEqual(['dist']);
  });

  it('builds and packs', () => {
    if (!pkg.tarball) throw new Error(`${name} was not packed: ${pkg.buildError ?? 'unknown reason'}`);
  });

  it.runIf(pkg.tarball)('holds only package.json, README.md, LICENSE and dist/**, including every file its manifest points at', async () => {
    const entries = await listTarball(pkg.tarball!, TAR_TIMEOUT_MS);
    const offending = offendingEntries(entries);
    expect(offending, `${name}: entries outside package.json, README.md, LICENSE, dist/** (tar tzf ${pkg.tarball})`).toEqual([]);
    expect(entries, `${name}: README.md`).toContain('package/README.md');
    expect(missingTargets(entries, readManifest(pkg.dir)), `${name}: files named by exports/main/module/types but not in the tarball`).toEqual([]);
  });

  it.runIf(pkg.tarball)('has real version ranges in place of workspace: ones', async () => {
    const manifest = await readTarballManifest(pkg.tarball!, TAR_TIMEOUT_MS);
    expect(workspaceRanges(manifest), `${name}: ranges npm cannot install`).toEqual([]);
    const peer = manifest.peerDependencies?.['@crawl/core'];
    // The core packed next to it must satisfy it, or npm would refuse (or duplicate) core.
    if (peer !== undefined) expect(semver.satisfies(core!.version, peer), `${name}: peer range ${peer} on @crawl/core ${core!.version}`).toBe(true);
  });
});

describe.each(packages.filter((p) => p.tarball).map((p) => [p.name, p] as const))('%s published code', (name, pkg) => {
  it('imports only packages its manifest declares (JavaScript and declaration files)', async () => {
    const dest = join(workDir, 'extracted', name.replace('/', '__'));
    mkdirSync(dest, { recursive: true });
    await extractTarball(pkg.tarball!, dest, TAR_TIMEOUT_MS);
    const dist = join(dest, 'package', 'dist');
    const imported = new Set<string>();
    for (const file of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
      if (!/\.(?:c?js|mjs|d\.c?ts|d\.mts)$/.test(file)) continue;
      for (const dep of importedPackages(readFileSync(join(dist, file), 'utf8'))) imported.add(dep);
    }
    const manifest = await readTarballManifest(pkg.tarball!, TAR_TIMEOUT_MS);
    expect(undeclaredImports(imported, manifest), `${name}: packages dist/ loads but package.json does not declare`).toEqual([]);
  });
});

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyForVersioning, readChangesets, requestedBumps, type BumpType, type ChangesetFile } from '../src/changesets.js';
import { run } from '../src/run.js';
import { allWorkspacePackages, readManifest, REPO_ROOT, type WorkspacePackage } from '../src/workspace.js';

const CHANGESET_TIMEOUT_MS = 60_000;

interface StatusRelease {
  name: string;
  type: BumpType | 'none';
  oldVersion: string;
  newVersion: string;
  changesets: string[];
}

describe('changesets', () => {
  let dir: string;
  let changesets: ChangesetFile[];
  let status: { changesets: { id: string }[]; releases: StatusRelease[] };
  let packages: WorkspacePackage[];
  let copy: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crawl-changesets-'));
    changesets = readChangesets(join(REPO_ROOT, '.changeset'));
    packages = allWorkspacePackages();
    // `changeset status` only reads the repository; its plan goes to a file outside it.
    const statusFile = join(dir, 'status.json');
    await run('pnpm', ['changeset', 'status', '--output', statusFile], { cwd: REPO_ROOT, timeoutMs: CHANGESET_TIMEOUT_MS });
    status = JSON.parse(readFileSync(statusFile, 'utf8')) as typeof status;
    // `changeset version` rewrites manifests and deletes changesets: only ever on a copy.
    copy = join(dir, 'repo');
    copyForVersioning(REPO_ROOT, copy);
    await run(process.execPath, [join(REPO_ROOT, 'node_modules/@changesets/cli/bin.js'), 'version'], {
      cwd: copy,
      timeoutMs: CHANGESET_TIMEOUT_MS,
    });
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has changesets to release, each naming workspace packages', () => {
    expect(changesets.length).toBeGreaterThan(0);
    const names = new Set(packages.map((p) => p.name));
    for (const changeset of changesets) {
      expect(changeset.releases.length, `.changeset/${changeset.id}.md releases`).toBeGreaterThan(0);
      expect(changeset.summary, `.changeset/${changeset.id}.md summary`).not.toBe('');
      for (const { name } of changeset.releases) expect(names.has(name), `.changeset/${changeset.id}.md names ${name}`).toBe(true);
    }
  });

  it('`changeset status` plans a release for every changeset', () => {
    expect(status.changesets.map((c) => c.id).sort()).toEqual(changesets.map((c) => c.id).sort());
    const released = new Set(status.releases.map((r) => r.name));
    for (const name of requestedBumps(changesets).keys()) expect(released.has(name), `${name} in the release plan`).toBe(true);
  });

  it('`changeset version` writes the planned versions and consumes the changesets', () => {
    for (const release of status.releases) {
      const pkg = packages.find((p) => p.name === release.name)!;
      expect(readManifest(join(copy, pkg.path)).version, `${release.name} version`).toBe(release.newVersion);
    }
    for (const changeset of changesets) expect(existsSync(join(copy, '.changeset', `${changeset.id}.md`)), `${changeset.id}.md left behind`).toBe(false);
  });

  it('bumps each package at least as its changesets ask, and writes its CHANGELOG.md entry', () => {
    for (const [name, type] of requestedBumps(changesets)) {
      const pkg = packages.find((p) => p.name === name)!;
      const version = readManifest(join(copy, pkg.path)).version;
      expect(semver.gte(version, semver.inc(pkg.version, type)!), `${name}: ${pkg.version} → ${version} for a ${type} changeset`).toBe(true);
      // changesets formats the file with prettier, which escapes markdown characters (`Content-\*`).
      const changelog = readFileSync(join(copy, pkg.path, 'CHANGELOG.md'), 'utf8').replace(/\\([\\`*_{}[\]()#+.!-])/g, '$1');
      expect(changelog, `${name} CHANGELOG.md`).toContain(`## ${version}`);
      for (const changeset of changesets.filter((c) => c.releases.some((r) => r.name === name))) {
        expect(changelog, `${name} CHANGELOG.md has .changeset/${changeset.id}.md`).toContain(changeset.summary.split('\n')[0]);
      }
    }
  });

  it('never versions private packages and keeps workspace: ranges for pnpm publish to rewrite', () => {
    for (const pkg of packages) {
      const manifest = readManifest(join(copy, pkg.path));
      if (pkg.manifest.private) expect(manifest.version, `${pkg.name} is private`).toBe(pkg.version);
      for (const deps of [manifest.dependencies, manifest.peerDependencies]) {
        for (const [dep, range] of Object.entries(deps ?? {})) {
          if (dep.startsWith('@crawl/')) expect(range, `${pkg.name} → ${dep}`).toMatch(/^workspace:/);
        }
      }
    }
  });

  it('bumps no package to a new major unless a changeset asks for it', () => {
    // changesets bumps every peer dependent to a major when a peer moves out of its range, and on
    // 0.x a minor bump of @crawl/core (0.1.0 → 0.2.0) is outside `^0.1.0`: one core changeset
    // would then release every plugin as 1.0.0 (STYLE.md, anti-pattern 4).
    const requested = requestedBumps(changesets);
    const unasked = status.releases
      .filter((r) => r.type === 'major' && requested.get(r.name) !== 'major')
      .map((r) => `${r.name} ${r.oldVersion} → ${r.newVersion}`);
    expect(unasked, 'major releases no changeset asked for').toEqual([]);
  });
});

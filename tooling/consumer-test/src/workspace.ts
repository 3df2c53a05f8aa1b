import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

/** The monorepo root (this file is tooling/consumer-test/src/workspace.ts). */
export const REPO_ROOT: string = resolve(import.meta.dirname, '../../..');

export interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  files?: unknown;
  main?: string;
  module?: string;
  types?: string;
  exports?: unknown;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export interface WorkspacePackage {
  name: string;
  version: string;
  /** Absolute directory. */
  dir: string;
  /** Directory relative to the repo root, '/'-separated ('packages/core'). */
  path: string;
  manifest: PackageJson;
}

export function readManifest(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
}

function packagesUnder(root: string, group: string): WorkspacePackage[] {
  const base = join(root, group);
  if (!existsSync(base)) return [];
  return readdirSync(base, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(base, entry.name, 'package.json')))
    .map((entry) => {
      const dir = join(base, entry.name);
      const manifest = readManifest(dir);
      return { name: manifest.name, version: manifest.version, dir, path: `${group}/${entry.name}`, manifest };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Every package under packages/* that is not private: what `pnpm -r publish` would publish. */
export function publishedPackages(root: string = REPO_ROOT): WorkspacePackage[] {
  return packagesUnder(root, 'packages').filter((p) => p.manifest.private !== true);
}

/** Every workspace package (packages/*, tooling/*, examples/*). */
export function allWorkspacePackages(root: string = REPO_ROOT): WorkspacePackage[] {
  return ['packages', 'tooling', 'examples'].flatMap((group) => packagesUnder(root, group));
}

/**
 * Every file a manifest points at (main, module, types and each exports target), as
 * package-relative paths without './'. A tarball missing one of them is broken for someone.
 */
export function manifestTargets(manifest: PackageJson): string[] {
  const out = new Set<string>();
  const add = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value.startsWith('./')) out.add(value.slice(2));
      else if (!value.startsWith('.')) out.add(value);
      return;
    }
    if (value && typeof value === 'object') for (const v of Object.values(value)) add(v);
  };
  add(manifest.main);
  add(manifest.module);
  add(manifest.types);
  add(manifest.exports);
  return [...out].filter((target) => !target.includes('*'));
}

/** True when `dir` is not inside `root` (the apps must not find the workspace's node_modules). */
export function isOutside(dir: string, root: string = REPO_ROOT): boolean {
  const rel = relative(root, dir);
  return rel === '..' || rel.startsWith(`..${sep}`);
}

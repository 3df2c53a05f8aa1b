import { run } from './run.js';
import { manifestTargets, type PackageJson, type WorkspacePackage } from './workspace.js';

/** What a published @crawl tarball may hold: the manifest, the README, a licence and the build. */
const ALLOWED = /^package\/(?:package\.json|README\.md|LICENSE(?:\.md|\.txt)?|dist\/.+)$/;

/** Entries outside package.json, README.md, LICENSE and dist/**. */
export function offendingEntries(entries: readonly string[]): string[] {
  return entries.filter((entry) => !entry.endsWith('/') && !ALLOWED.test(entry));
}

/** Files the manifest points at (exports, main, module, types) that the tarball lacks. */
export function missingTargets(entries: readonly string[], manifest: PackageJson): string[] {
  const present = new Set(entries);
  return manifestTargets(manifest).filter((target) => !present.has(`package/${target}`));
}

/** Dependency ranges still written with pnpm's `workspace:` protocol, which npm cannot install. */
export function workspaceRanges(manifest: PackageJson): string[] {
  const out: string[] = [];
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies'] as const) {
    const deps = manifest[field];
    for (const [name, range] of Object.entries(deps ?? {})) if (range.startsWith('workspace:')) out.push(`${field}.${name}: ${range}`);
  }
  return out;
}

/** `pnpm pack` (which rewrites `workspace:` ranges to real ones) into `dest`; returns the tarball path. */
export async function packPackage(pkg: WorkspacePackage, dest: string, timeoutMs: number): Promise<string> {
  const { stdout } = await run('pnpm', ['pack', '--json', '--pack-destination', dest], { cwd: pkg.dir, timeoutMs });
  const json = stdout.slice(stdout.indexOf('{'));
  const { filename } = JSON.parse(json) as { filename?: string };
  if (!filename) throw new Error(`pnpm pack of ${pkg.name} printed no filename:\n${stdout}`);
  return filename;
}

export async function listTarball(tarball: string, timeoutMs: number): Promise<string[]> {
  const { stdout } = await run('tar', ['tzf', tarball], { cwd: '/', timeoutMs });
  return stdout.split('\n').filter((line) => line !== '');
}

/** Extracts the tarball into `dest` (its files end up under `dest/package/`). */
export async function extractTarball(tarball: string, dest: string, timeoutMs: number): Promise<void> {
  await run('tar', ['xzf', tarball, '-C', dest], { cwd: dest, timeoutMs });
}

export async function readTarballManifest(tarball: string, timeoutMs: number): Promise<PackageJson> {
  const { stdout } = await run('tar', ['xzf', tarball, '-O', 'package/package.json'], { cwd: '/', timeoutMs });
  return JSON.parse(stdout) as PackageJson;
}

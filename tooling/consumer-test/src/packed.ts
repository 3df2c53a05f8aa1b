import { inject } from 'vitest';

/** One published package as the global setup left it: packed, or why it could not be. */
export interface PackedPackage {
  name: string;
  version: string;
  /** Absolute package directory in the workspace. */
  dir: string;
  /** 'packages/<folder>'. */
  path: string;
  /** The manifest's `files` field as written. */
  files: unknown;
  /** The tarball, when the package built. */
  tarball?: string;
  buildError?: string;
}

export function consumerContext(): { workDir: string; packages: PackedPackage[] } {
  return inject('consumer');
}

/**
 * Tarballs of the named packages, or the reasons some are missing (so a test can say which
 * package held it up instead of failing inside npm).
 */
export function tarballsFor(names: readonly string[]): { tarballs: string[]; missing: string[] } {
  const { packages } = consumerContext();
  const tarballs: string[] = [];
  const missing: string[] = [];
  for (const name of names) {
    const pkg = packages.find((p) => p.name === name);
    if (!pkg) missing.push(`${name}: no such package under packages/`);
    else if (!pkg.tarball) missing.push(`${name}: ${(pkg.buildError ?? 'not packed').split('\n')[0]}`);
    else tarballs.push(pkg.tarball);
  }
  return { tarballs, missing };
}

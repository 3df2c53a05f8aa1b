import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { allWorkspacePackages } from './workspace.js';

export type BumpType = 'patch' | 'minor' | 'major';

export interface ChangesetFile {
  /** File name without .md, as changesets names it. */
  id: string;
  releases: { name: string; type: BumpType }[];
  summary: string;
}

const RANK: Record<BumpType, number> = { patch: 0, minor: 1, major: 2 };
export const higherBump = (a: BumpType, b: BumpType): BumpType => (RANK[a] >= RANK[b] ? a : b);

/** Parses .changeset/*.md: a YAML-ish frontmatter of `"name": type` lines, then the summary. */
export function readChangesets(changesetDir: string): ChangesetFile[] {
  return readdirSync(changesetDir)
    .filter((file) => file.endsWith('.md') && file !== 'README.md')
    .sort()
    .map((file) => {
      const text = readFileSync(join(changesetDir, file), 'utf8');
      const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
      if (!match) throw new Error(`.changeset/${file} has no frontmatter`);
      const releases = match[1]!
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== '')
        .map((line) => {
          const entry = /^["']?([^"':]+)["']?\s*:\s*(patch|minor|major)$/.exec(line);
          if (!entry) throw new Error(`.changeset/${file}: cannot read the release line ${JSON.stringify(line)}`);
          return { name: entry[1]!, type: entry[2] as BumpType };
        });
      return { id: file.slice(0, -3), releases, summary: match[2]!.trim() };
    });
}

/** The bump each package asks for across all changesets (the highest wins, as in changesets). */
export function requestedBumps(changesets: readonly ChangesetFile[]): Map<string, BumpType> {
  const out = new Map<string, BumpType>();
  for (const changeset of changesets) {
    for (const { name, type } of changeset.releases) out.set(name, higherBump(out.get(name) ?? 'patch', type));
  }
  return out;
}

/**
 * Copies what `changeset version` reads and writes (the root manifest, the workspace file,
 * .changeset/, every workspace package.json and CHANGELOG.md) to `dest`, so it can run there and
 * never touch the repository. node_modules is linked so the configured changelog module resolves.
 */
export function copyForVersioning(root: string, dest: string): void {
  mkdirSync(dest, { recursive: true });
  for (const file of ['package.json', 'pnpm-workspace.yaml']) copyFileSync(join(root, file), join(dest, file));
  mkdirSync(join(dest, '.changeset'));
  for (const file of readdirSync(join(root, '.changeset'))) copyFileSync(join(root, '.changeset', file), join(dest, '.changeset', file));
  for (const pkg of allWorkspacePackages(root)) {
    for (const file of ['package.json', 'CHANGELOG.md']) {
      const from = join(pkg.dir, file);
      if (!existsSync(from)) continue;
      const to = join(dest, pkg.path, file);
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(from, to);
    }
  }
  symlinkSync(join(root, 'node_modules'), join(dest, 'node_modules'), 'dir');
}

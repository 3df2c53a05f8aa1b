import { beforeAll, describe, expect, it } from 'vitest';
import { parsePublishDryRun } from '../src/publish-dry-run.js';
import { run } from '../src/run.js';
import { missingTargets, offendingEntries } from '../src/tarball.js';
import { publishedPackages, REPO_ROOT } from '../src/workspace.js';

const PUBLISH_TIMEOUT_MS = 180_000;
const packages = publishedPackages();

describe('pnpm -r publish --dry-run', () => {
  let listings: Map<string, string[]>;
  let output: string;

  beforeAll(async () => {
    // A dry run needs no registry login (npm only warns); --no-git-checks because the working
    // tree of a development checkout is rarely clean.
    const result = await run('pnpm', ['-r', 'publish', '--dry-run', '--no-git-checks'], { cwd: REPO_ROOT, timeoutMs: PUBLISH_TIMEOUT_MS });
    output = `${result.stdout}\n${result.stderr}`;
    listings = parsePublishDryRun(output);
  });

  it('would publish exactly the non-private packages under packages/*', () => {
    expect([...listings.keys()].sort(), `packages in the dry run (a version already on the registry is skipped):\n${output.slice(-3000)}`).toEqual(
      packages.map((p) => p.name).sort(),
    );
  });

  it.each(packages.map((p) => [p.name, p] as const))('%s: only dist/**, README.md, LICENSE and package.json', (name, pkg) => {
    const files = listings.get(name) ?? [];
    const entries = files.map((file) => `package/${file}`);
    expect(offendingEntries(entries), `${name}: files outside dist/**, README.md, LICENSE, package.json`).toEqual([]);
    expect(files, name).toContain('package.json');
    expect(files, name).toContain('README.md');
    expect(missingTargets(entries, pkg.manifest), `${name}: files its manifest points at`).toEqual([]);
  });
});

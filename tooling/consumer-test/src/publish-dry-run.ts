/**
 * Reads the tarball listings out of `pnpm -r publish --dry-run` output (npm's notices):
 *
 *   npm notice 📦  @crawl/core@0.1.0
 *   npm notice Tarball Contents
 *   npm notice 6.7kB README.md
 *   npm notice Tarball Details
 */
export function parsePublishDryRun(output: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  let inContents = false;
  for (const raw of output.split('\n')) {
    const line = raw.replace(/^npm notice\s?/, '').trim();
    const header = /^📦\s+(.+)@[^@\s]+$/u.exec(line);
    if (header) {
      current = [];
      out.set(header[1]!, current);
      inContents = false;
    } else if (line === 'Tarball Contents') {
      inContents = current !== undefined;
    } else if (line === 'Tarball Details') {
      inContents = false;
    } else if (inContents && current) {
      const entry = /^\S+\s+(.+)$/.exec(line);
      if (entry) current.push(entry[1]!);
    }
  }
  return out;
}

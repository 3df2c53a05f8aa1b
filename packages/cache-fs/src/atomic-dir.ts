import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Entries are written into `<tmpRoot>/<pid>-<random>/` and renamed into place, so a reader sees
 * either no entry or a complete one. tmpRoot sits next to the entries (same filesystem, so the
 * rename is atomic) under a name no fingerprint can take.
 */
export const TMP_DIR = '.tmp';

export function tempName(tmpRoot: string, suffix = ''): string {
  return join(tmpRoot, `${process.pid}-${randomBytes(6).toString('hex')}${suffix}`);
}

const REPLACE_ATTEMPTS = 5;

/**
 * Renames the complete directory `from` to `to`. An existing `to` is first moved aside into
 * tmpRoot and removed: POSIX rename() cannot replace a non-empty directory, and there is no
 * portable atomic exchange. Between the two renames a reader finds no entry (a miss), never a
 * mix of two entries. When other writers keep winning the race for the same key, their
 * complete entry stays and ours is dropped.
 */
export async function moveIntoPlace(from: string, to: string, tmpRoot: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOTEMPTY/EEXIST: POSIX; EPERM/EACCES: Windows when the target exists.
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM' && code !== 'EACCES') throw error;
    }
    // Give up only right after finding a complete entry in place, never after moving one aside.
    if (attempt === REPLACE_ATTEMPTS) {
      await rm(from, { recursive: true, force: true });
      return;
    }
    const aside = tempName(tmpRoot, '-old');
    try {
      await rename(to, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      continue;
    }
    await rm(aside, { recursive: true, force: true });
  }
}

/**
 * Removes what writers killed mid-write left in tmpRoot: directories whose process is gone.
 * Those of live processes (another crawl sharing the cache) are kept.
 */
export async function removeAbandoned(tmpRoot: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(tmpRoot);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let removed = 0;
  for (const name of names) {
    const pid = Number.parseInt(name, 10);
    if (!Number.isInteger(pid) || pid <= 0 || isAlive(pid)) continue;
    await rm(join(tmpRoot, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

export async function ensureDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true });
}

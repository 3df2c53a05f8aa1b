import { ConfigError } from '@crawl/core';
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One process per job directory: two writers would interleave their journals. The lock file
 * holds the owner's pid; a lock left by a killed process (the SIGKILL case resuming is for) is
 * taken over.
 */
export function lockJobDir(dir: string): () => void {
  const path = join(dir, 'lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(readSafe(path), 10);
      if (Number.isInteger(owner) && owner > 0 && alive(owner)) {
        throw new ConfigError(`jobDir ${dir} is in use by process ${owner} (lock file ${path}); one crawl per job directory at a time`);
      }
      try {
        unlinkSync(path);
      } catch {
        // Another process took it over meanwhile: the next attempt will tell.
      }
      continue;
    }
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return () => {
      try {
        unlinkSync(path);
      } catch {
        // Already gone.
      }
    };
  }
  throw new ConfigError(`jobDir ${dir}: could not take the lock file ${path}`);
}

function readSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

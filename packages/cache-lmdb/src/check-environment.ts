import { closeSync, openSync, readSync } from 'node:fs';
import { extname, join } from 'node:path';
import { ConfigError } from '@crawl/core';

/** LMDB's meta-page magic number (0xBEEFC0DE), little-endian on disk. */
const MAGIC = Buffer.from([0xde, 0xc0, 0xef, 0xbe]);
const HEAD = 64;

/**
 * LMDB memory-maps its data file and trusts it: opening some other file crashes the process
 * (SIGSEGV) instead of throwing. So before opening, an existing non-empty data file must start
 * with an LMDB meta page. lmdb-js treats a path with an extension as the data file itself and
 * any other path as a directory holding data.mdb.
 */
export function assertLmdbEnvironment(path: string): void {
  const dataFile = extname(path) === '' ? join(path, 'data.mdb') : path;
  let head: Buffer;
  try {
    head = readHead(dataFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') {
      throw new ConfigError(`lmdbCacheStorage: ${dataFile} is a directory; give a path without an extension for a directory environment`);
    }
    // A new environment (ENOENT), or a path lmdb will refuse with its own error.
    return;
  }
  // An empty file is one lmdb created but never wrote to.
  if (head.length > 0 && head.indexOf(MAGIC) === -1) {
    throw new ConfigError(`lmdbCacheStorage: ${dataFile} is not an LMDB data file; point path at an LMDB environment or a new location`);
  }
}

function readHead(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(HEAD);
    return head.subarray(0, readSync(fd, head, 0, HEAD, 0));
  } finally {
    closeSync(fd);
  }
}

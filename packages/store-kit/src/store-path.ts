import { isAbsolute as isAbsolutePosix } from 'node:path/posix';
import { isAbsolute as isAbsoluteWin32 } from 'node:path/win32';
import { ConfigError } from '@crawl/core';

/**
 * Checks a store-relative path and returns its '/'-separated segments. Paths reach a store from
 * `filePath()` hooks that often build them from scraped data (URLs, titles), so anything that could
 * leave the store root is refused outright rather than normalised: an absolute path (POSIX or
 * Windows, drive letters and UNC included), a `..` segment (also between backslashes, which Windows
 * treats as separators), a NUL byte, or a path that names no file.
 */
export function checkStorePath(path: unknown): string[] {
  if (typeof path !== 'string') throw new ConfigError(`Store path must be a string, got ${path === null ? 'null' : typeof path}`);
  const shown = JSON.stringify(path);
  if (path === '') throw new ConfigError('Store path is empty');
  if (path.includes('\0')) throw new ConfigError(`Store path ${shown} contains a NUL byte`);
  if (isAbsolutePosix(path) || isAbsoluteWin32(path) || /^[A-Za-z]:/.test(path)) {
    throw new ConfigError(`Store path ${shown} is absolute; store paths are relative to the store root`);
  }
  const segments = path.split('/');
  for (const segment of segments) {
    if (segment.split('\\').includes('..')) throw new ConfigError(`Store path ${shown} contains a ".." segment, which could leave the store root`);
  }
  const last = segments[segments.length - 1];
  if (last === '' || last === '.') throw new ConfigError(`Store path ${shown} names a directory, not a file`);
  return segments.filter((s) => s !== '' && s !== '.');
}

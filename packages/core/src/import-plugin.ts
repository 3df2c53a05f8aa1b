import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

function isMissing(error: unknown, specifier: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String((error as Error).message).includes(specifier);
}

/**
 * Loads an optional plugin package by name (a store for `s3://`, say): first as the calling package
 * would, then from the application's own directory. Under pnpm's strict layout a package only sees
 * its declared dependencies, and a plugin the user installed in the app is not one of them.
 * Returns undefined when neither finds it, so the caller can say which package to install.
 */
export async function importPlugin(specifier: string, from: string = process.cwd()): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    if (!isMissing(error, specifier)) throw error;
  }
  let resolved: string;
  try {
    resolved = createRequire(join(from, 'noop.js')).resolve(specifier);
  } catch (error) {
    if (isMissing(error, specifier)) return undefined;
    throw error;
  }
  return (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
}

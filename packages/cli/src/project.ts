import { ConfigError } from '@crawl/core';
import { findConfig, loadConfig, type LoadedConfig } from './config.js';

/** The config named by --config, else the nearest crawl.config.* (required or optional). */
export async function projectConfig(explicit: string | undefined, required: true): Promise<LoadedConfig>;
export async function projectConfig(explicit: string | undefined, required: boolean): Promise<LoadedConfig | undefined>;
export async function projectConfig(explicit: string | undefined, required: boolean): Promise<LoadedConfig | undefined> {
  const path = explicit ?? findConfig();
  if (path === undefined) {
    if (required) throw new ConfigError('No crawl.config.ts found here or in a parent directory (create one with "crawl startproject NAME", or pass --config FILE)');
    return undefined;
  }
  return loadConfig(path);
}

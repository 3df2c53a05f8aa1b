import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '@crawl/core';
import type { LoadedConfig } from './config.js';
import { collectSpiders, importSpiderModule } from './load-spider.js';

const SPIDER_FILE = /\.(?:[cm]?ts|[cm]?js)$/;
const SKIP = /\.(?:d\.[cm]?ts|test\.[cm]?[jt]s|spec\.[cm]?[jt]s)$/;

export interface FoundSpider {
  readonly name: string;
  readonly file: string;
  readonly candidate: unknown;
}

function spiderFiles(path: string): string[] {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((e) => e.isFile() && SPIDER_FILE.test(e.name) && !SKIP.test(e.name))
    .map((e) => join(path, e.name))
    .sort();
}

/** Every spider exported by the modules in the config's `spiders` paths; duplicate names are an error. */
export async function discoverSpiders(loaded: LoadedConfig): Promise<Map<string, FoundSpider>> {
  const roots = loaded.config.spiders === undefined ? ['spiders'] : typeof loaded.config.spiders === 'string' ? [loaded.config.spiders] : loaded.config.spiders;
  const found = new Map<string, FoundSpider>();
  for (const root of roots) {
    for (const file of spiderFiles(resolve(loaded.dir, root))) {
      for (const [name, candidate] of collectSpiders(await importSpiderModule(file))) {
        const other = found.get(name);
        if (other) throw new ConfigError(`Two spiders are named ${JSON.stringify(name)}: in ${other.file} and ${file}`);
        found.set(name, { name, file, candidate });
      }
    }
  }
  return found;
}

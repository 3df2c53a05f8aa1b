import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, type CrawlSettings, type DownloadHandler, type DownloaderMiddleware, type ItemPipeline, type Plugin, type Scheduler, type SpiderMiddleware } from '@crawl/core';
import type { CrawlerOptions, FeedsSetting } from '@crawl/engine';
import { defaultPlugins } from './defaults.js';
import { importModule } from './load-spider.js';

/** A project's crawl.config.ts: which spiders, which plugins, which settings. */
export interface CrawlConfig {
  /** Files or directories holding spider modules, relative to the config file (default ['spiders']). */
  spiders?: string | readonly string[];
  settings?: Partial<CrawlSettings>;
  /** Shortcut for settings.feeds. */
  feeds?: FeedsSetting;
  /** Default: the CLI's http/https handler. */
  downloadHandlers?: readonly DownloadHandler[];
  downloaderMiddlewares?: readonly DownloaderMiddleware[];
  spiderMiddlewares?: readonly SpiderMiddleware[];
  itemPipelines?: readonly ItemPipeline<any, any>[];
  extensions?: readonly Plugin[];
  scheduler?: Scheduler;
  /** Also use the CLI's default plugin set (default true; plugins you list are added to it). */
  defaultPlugins?: boolean;
}

const CONFIG_KEYS: readonly (keyof CrawlConfig)[] = [
  'spiders',
  'settings',
  'feeds',
  'downloadHandlers',
  'downloaderMiddlewares',
  'spiderMiddlewares',
  'itemPipelines',
  'extensions',
  'scheduler',
  'defaultPlugins',
];
const LIST_KEYS = ['downloadHandlers', 'downloaderMiddlewares', 'spiderMiddlewares', 'itemPipelines', 'extensions'] as const;

/** Identity helper for crawl.config.ts, with the keys checked at start-up. */
export function defineConfig(config: CrawlConfig): CrawlConfig {
  return config;
}

/** Checks a loaded config: unknown keys and wrong shapes are errors naming the key and what is allowed. */
export function validateConfig(config: unknown, source: string): CrawlConfig {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ConfigError(`${source} must export a config object (export default defineConfig({ ... }))`);
  }
  for (const key of Object.keys(config)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      throw new ConfigError(`Unknown key "${key}" in ${source}; allowed keys: ${CONFIG_KEYS.join(', ')}`);
    }
  }
  const c = config as Record<string, unknown>;
  const spiders = c['spiders'];
  if (spiders !== undefined && typeof spiders !== 'string' && !(Array.isArray(spiders) && spiders.every((s) => typeof s === 'string'))) {
    throw new ConfigError(`"spiders" in ${source} must be a path or a list of paths`);
  }
  for (const key of ['settings', 'feeds'] as const) {
    const v = c[key];
    if (v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v))) throw new ConfigError(`"${key}" in ${source} must be an object`);
  }
  for (const key of LIST_KEYS) {
    const v = c[key];
    if (v === undefined) continue;
    if (!Array.isArray(v)) throw new ConfigError(`"${key}" in ${source} must be an array of plugins`);
    v.forEach((p: unknown, i) => {
      if (typeof p !== 'object' || p === null || typeof (p as Plugin).name !== 'string') {
        throw new ConfigError(`"${key}[${i}]" in ${source} is not a plugin (an object with a name); did you forget to call the factory, e.g. retry() rather than retry?`);
      }
    });
  }
  if (c['defaultPlugins'] !== undefined && typeof c['defaultPlugins'] !== 'boolean') throw new ConfigError(`"defaultPlugins" in ${source} must be true or false`);
  return config as CrawlConfig;
}

const CONFIG_NAMES = ['crawl.config.ts', 'crawl.config.mts', 'crawl.config.js', 'crawl.config.mjs'];

/** The nearest crawl.config.* from `from` upwards, or undefined. */
export function findConfig(from: string = process.cwd()): string | undefined {
  let dir = resolve(from);
  for (let i = 0; i < 64; i++) {
    for (const name of CONFIG_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

export interface LoadedConfig {
  readonly path: string;
  readonly dir: string;
  readonly config: CrawlConfig;
}

export async function loadConfig(path: string): Promise<LoadedConfig> {
  const full = resolve(path);
  if (!existsSync(full)) throw new ConfigError(`Config file not found: ${full}`);
  const mod = await importModule(full);
  const config = validateConfig(mod['default'] ?? mod['config'], full);
  return { path: full, dir: dirname(full), config };
}

/** Crawler options from a config: its plugins after the CLI defaults (unless defaultPlugins: false). */
export function crawlerOptionsFromConfig(config: CrawlConfig | undefined): CrawlerOptions {
  const base = config?.defaultPlugins === false ? { downloadHandlers: [], downloaderMiddlewares: [], itemPipelines: [], extensions: [] } : defaultPlugins();
  const settings: Partial<CrawlSettings> & Record<string, unknown> = { ...config?.settings };
  if (config?.feeds) settings['feeds'] = { ...(settings['feeds'] as FeedsSetting | undefined), ...config.feeds };
  const options: CrawlerOptions = {
    settings,
    downloadHandlers: [...(config?.downloadHandlers ?? base.downloadHandlers)],
    downloaderMiddlewares: [...base.downloaderMiddlewares, ...(config?.downloaderMiddlewares ?? [])],
    spiderMiddlewares: [...(config?.spiderMiddlewares ?? [])],
    itemPipelines: [...base.itemPipelines, ...(config?.itemPipelines ?? [])],
    extensions: [...base.extensions, ...(config?.extensions ?? [])],
  };
  if (config?.scheduler) options.scheduler = config.scheduler;
  return options;
}

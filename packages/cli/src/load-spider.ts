import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, type Spider } from '@crawl/core';

type SpiderClass = new (args?: Record<string, string>) => Spider<unknown>;

function isSpiderObject(value: unknown): value is Spider<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Spider).name === 'string' && typeof (value as Spider).parse === 'function';
}

function isSpiderClass(value: unknown): value is SpiderClass {
  return typeof value === 'function' && typeof (value as { prototype?: { parse?: unknown } }).prototype?.parse === 'function';
}

/** Imports a spider module; .ts/.mts/.cts files are compiled on the fly by tsx, no build step needed. */
export async function importSpiderModule(file: string): Promise<Record<string, unknown>> {
  const path = resolve(file);
  if (!existsSync(path)) throw new ConfigError(`Spider file not found: ${path}`);
  return importModule(path);
}

/** Imports a .ts/.mts/.cts (through tsx) or .js/.mjs/.cjs module. */
export async function importModule(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  if (/\.[cm]?tsx?$/.test(path)) {
    const { tsImport } = await import('tsx/esm/api');
    return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
  }
  return (await import(url)) as Record<string, unknown>;
}

/** The spiders a module exports, by name: objects with name + parse, or classes whose instances have them. */
export function collectSpiders(mod: Record<string, unknown>): Map<string, unknown> {
  const found = new Map<string, unknown>();
  for (const value of Object.values(mod)) {
    if (isSpiderObject(value)) found.set(value.name, value);
    else if (isSpiderClass(value)) {
      const name = (value as unknown as { spiderName?: string }).spiderName ?? new value({}).name;
      found.set(name, value);
    }
  }
  return found;
}

/**
 * A fresh spider from an exported object or class, with the -a arguments set as properties
 * (as Scrapy does). Objects are copied so that two crawls never share a spider's state.
 */
export function instantiateSpider(candidate: unknown, args: Record<string, string> = {}): Spider<unknown> {
  if (isSpiderClass(candidate)) return Object.assign(new candidate(args), args);
  const spider = candidate as Spider<unknown>;
  return Object.assign(Object.create(Object.getPrototypeOf(spider) as object) as Spider<unknown>, spider, args);
}

/** Finds the one spider a module exports; with several, `name` picks one. */
export async function loadSpider(file: string, options: { name?: string | undefined; args?: Record<string, string> } = {}): Promise<Spider<unknown>> {
  const candidates = collectSpiders(await importSpiderModule(file));
  if (candidates.size === 0) throw new ConfigError(`No spider found in ${file}: export an object with "name" and "parse", or a class whose instances have them`);
  let chosen: unknown;
  if (options.name !== undefined) {
    chosen = candidates.get(options.name);
    if (chosen === undefined) throw new ConfigError(`No spider named ${JSON.stringify(options.name)} in ${file}; found: ${[...candidates.keys()].join(', ')}`);
  } else if (candidates.size > 1) {
    throw new ConfigError(`Several spiders in ${file} (${[...candidates.keys()].join(', ')}); pick one with --spider NAME`);
  } else chosen = candidates.values().next().value;
  return instantiateSpider(chosen, options.args);
}

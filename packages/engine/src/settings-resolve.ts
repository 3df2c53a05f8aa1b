import { ConfigError, type CrawlSettings } from '@crawl/core';
import { FEED_FORMATS } from './feeds/options.js';
import { CALLBACK_OUTPUT_MODES, DEFAULT_SETTINGS } from './settings.js';
import { REFERRER_POLICY_NAMES } from '@crawl/core';

type Check = (value: unknown) => string | undefined;


const num =
  (min: number, opts: { integer?: boolean; exclusiveMin?: boolean } = {}): Check =>
  (v) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return 'a finite number';
    if (opts.integer && !Number.isInteger(v)) return 'an integer';
    if (opts.exclusiveMin ? v <= min : v < min) return `a number ${opts.exclusiveMin ? '>' : '>='} ${min}`;
    return undefined;
  };
const bool: Check = (v) => (typeof v === 'boolean' ? undefined : 'true or false');
const str: Check = (v) => (typeof v === 'string' && v !== '' ? undefined : 'a non-empty string');
const oneOf =
  (values: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? undefined : `one of ${values.map((x) => `'${x}'`).join(', ')}`;
const statusList: Check = (v) =>
  Array.isArray(v) && v.every((c) => Number.isInteger(c) && c >= 100 && c <= 999) ? undefined : 'an array of HTTP status codes (100-999)';
const feeds: Check = (v) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'an object mapping paths to feed options';
  for (const [path, feed] of Object.entries(v)) {
    if (typeof feed !== 'object' || feed === null) return `an object mapping paths to feed options (${JSON.stringify(path)} is not an object)`;
    const format = (feed as { format?: unknown }).format;
    if (typeof format !== 'string' || !(FEED_FORMATS as readonly string[]).includes(format)) {
      return `feed options with format one of ${FEED_FORMATS.join(', ')} (${JSON.stringify(path)} has ${JSON.stringify(format)})`;
    }
  }
  return undefined;
};

/** How each built-in key is checked; the message completes "expected …". */
const CHECKS: Record<keyof CrawlSettings, Check> = {
  botName: str,
  concurrentRequests: num(1, { integer: true }),
  concurrentRequestsPerDomain: num(1, { integer: true }),
  concurrentRequestsPerIp: num(0, { integer: true }),
  downloadDelay: num(0),
  randomizeDownloadDelay: bool,
  downloadTimeout: num(0, { exclusiveMin: true }),
  downloadMaxSize: num(0, { integer: true }),
  downloadWarnSize: num(0, { integer: true }),
  downloadFailOnDataloss: bool,
  concurrentItems: num(1, { integer: true }),
  logLevel: oneOf(['debug', 'info', 'warn', 'error', 'silent']),
  logStatsInterval: num(0),
  closespiderItemcount: num(0, { integer: true }),
  closespiderPagecount: num(0, { integer: true }),
  closespiderTimeout: num(0),
  closespiderErrorcount: num(0, { integer: true }),
  schedulerQueue: oneOf(['lifo', 'fifo']),
  dupefilterDebug: bool,
  depthLimit: num(0, { integer: true }),
  depthPriority: (v) => (typeof v === 'number' && Number.isFinite(v) ? undefined : 'a finite number'),
  depthStatsVerbose: bool,
  httpErrorAllowedCodes: statusList,
  httpErrorAllowAll: bool,
  refererEnabled: bool,
  referrerPolicy: oneOf(REFERRER_POLICY_NAMES),
  urlLengthLimit: num(0, { integer: true }),
  feeds,
  scraperSlotMaxActiveSize: num(1, { integer: true }),
  callbackOutput: oneOf(CALLBACK_OUTPUT_MODES),
  jobDir: (v) => (typeof v === 'string' ? undefined : "a string (a folder path, or '' for no job directory)"),
};

/** A check derived from a registered default's type. */
function checkLike(example: unknown): Check {
  if (typeof example === 'number') return (v) => (typeof v === 'number' && !Number.isNaN(v) ? undefined : 'a number');
  if (typeof example === 'boolean') return bool;
  if (typeof example === 'string') return (v) => (typeof v === 'string' ? undefined : 'a string');
  if (Array.isArray(example)) return (v) => (Array.isArray(v) ? undefined : 'an array');
  if (typeof example === 'object' && example !== null) return (v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? undefined : 'an object');
  return () => undefined;
}

/**
 * A settings schema: the built-in keys plus keys that plugins registered on one crawler.
 * Kept per crawler so that two crawlers in one process never see each other's keys.
 */
export class SettingsRegistry {
  readonly #defaults: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  readonly #checks = new Map<string, Check>(Object.entries(CHECKS));

  /** Declares extra keys with their defaults. Re-registering a key with the same default is a no-op. */
  register(defaults: Record<string, unknown>, owner = 'a plugin'): void {
    for (const [key, value] of Object.entries(defaults)) {
      if (this.#checks.has(key)) {
        if (Object.is(this.#defaults[key], value)) continue;
        throw new ConfigError(`Setting ${key} is already declared; ${owner} cannot declare it again with another default`);
      }
      this.#defaults[key] = value;
      this.#checks.set(key, checkLike(value));
    }
  }

  /** Merges layers over the defaults (later wins) and validates every key and value. */
  resolve(...layers: Partial<CrawlSettings>[]): CrawlSettings {
    const out: Record<string, unknown> = { ...this.#defaults };
    for (const layer of layers) {
      if (layer === undefined || layer === null) continue;
      if (typeof layer !== 'object') throw new ConfigError(`Settings must be an object, got ${typeof layer}`);
      for (const [key, value] of Object.entries(layer)) {
        if (value === undefined) continue;
        const check = this.#checks.get(key);
        if (!check) throw new ConfigError(unknownKeyMessage(key, [...this.#checks.keys()]));
        const expected = check(value);
        if (expected !== undefined) {
          throw new ConfigError(`Invalid value for setting ${key}: ${describe(value)} (expected ${expected})`);
        }
        out[key] = value;
      }
    }
    return Object.freeze(out) as unknown as CrawlSettings;
  }
}

/**
 * Resolves settings from layers over DEFAULT_SETTINGS (later layers win): the engine calls it with
 * crawler options, then the spider's settings, then CLI overrides. Throws ConfigError naming an
 * unknown key (with a suggestion) or a value of the wrong type or range.
 */
export function resolveSettings(...layers: Partial<CrawlSettings>[]): CrawlSettings {
  return new SettingsRegistry().resolve(...layers);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  try {
    const json = JSON.stringify(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function unknownKeyMessage(key: string, known: string[]): string {
  const lower = key.toLowerCase().replace(/[_-]/g, '');
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = candidate.toLowerCase() === lower ? 0 : levenshtein(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  const close = best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 4));
  return `Unknown setting ${JSON.stringify(key)}${close ? ` (did you mean ${best}?)` : ''}. Plugins declare extra keys with crawler.registerSettings().`;
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

import { ConfigError, type Crawler } from '@crawl/core';
import './declarations.js';

export interface MemusageOptions {
  /** Watch the process's peak RSS. Default: the `memusageEnabled` setting (true). */
  enabled?: boolean;
  /** MiB of peak RSS above which the crawl is closed (`memusage_exceeded`); 0 never. Default: the `memusageLimitMb` setting (0). */
  limitMb?: number;
  /** MiB of peak RSS above which a warning is logged, once; 0 never. Default: the `memusageWarningMb` setting (0). */
  warningMb?: number;
  /** Seconds between checks. Default: the `memusageCheckIntervalSeconds` setting (60). */
  checkIntervalSeconds?: number;
  /** Keep V8's young generation and old-generation headroom small while the crawl runs. Default: the `memusageLeanHeap` setting (true). */
  leanHeap?: boolean;
}

/** What one crawl uses. */
export interface MemusageParams {
  readonly enabled: boolean;
  readonly limitMb: number;
  readonly warningMb: number;
  readonly checkIntervalSeconds: number;
  readonly leanHeap: boolean;
}

/** Scrapy's MEMUSAGE_* defaults, plus leanHeap. */
export const MEMUSAGE_DEFAULTS: MemusageParams = Object.freeze({
  enabled: true,
  limitMb: 0,
  warningMb: 0,
  checkIntervalSeconds: 60,
  leanHeap: true,
});

/** The settings memusage declares. */
export const MEMUSAGE_SETTING_DEFAULTS: Readonly<Record<string, unknown>> = Object.freeze({
  memusageEnabled: MEMUSAGE_DEFAULTS.enabled,
  memusageLimitMb: MEMUSAGE_DEFAULTS.limitMb,
  memusageWarningMb: MEMUSAGE_DEFAULTS.warningMb,
  memusageCheckIntervalSeconds: MEMUSAGE_DEFAULTS.checkIntervalSeconds,
  memusageLeanHeap: MEMUSAGE_DEFAULTS.leanHeap,
});

const KNOWN: readonly (keyof MemusageOptions)[] = ['enabled', 'limitMb', 'warningMb', 'checkIntervalSeconds', 'leanHeap'];

const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

function bool(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(`${where} must be true or false, got ${show(value)}`);
  return value;
}

function megabytes(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new ConfigError(`${where} must be a number of MiB >= 0 (0 turns it off), got ${show(value)}`);
  return value;
}

function interval(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new ConfigError(`${where} must be a number of seconds > 0, got ${show(value)}`);
  return value;
}

const CHECKS: { readonly [K in keyof MemusageParams]: (value: unknown, where: string) => MemusageParams[K] } = {
  enabled: bool,
  limitMb: megabytes,
  warningMb: megabytes,
  checkIntervalSeconds: interval,
  leanHeap: bool,
};

const SETTING: { readonly [K in keyof MemusageParams]: string } = {
  enabled: 'memusageEnabled',
  limitMb: 'memusageLimitMb',
  warningMb: 'memusageWarningMb',
  checkIntervalSeconds: 'memusageCheckIntervalSeconds',
  leanHeap: 'memusageLeanHeap',
};

export function resolveMemusageOptions(options: MemusageOptions | undefined): Partial<MemusageParams> {
  const o: MemusageOptions = options === undefined ? {} : options;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new ConfigError(`memusage() options must be an object, got ${show(o)}`);
  const checked: Record<string, unknown> = {};
  for (const key of Object.keys(o)) {
    if (!(KNOWN as readonly string[]).includes(key)) throw new ConfigError(`memusage(): unknown option "${key}" (known: ${KNOWN.join(', ')})`);
    const value = o[key as keyof MemusageOptions];
    if (value !== undefined) checked[key] = CHECKS[key as keyof MemusageParams](value, `memusage(): option "${key}"`);
  }
  return Object.freeze(checked as Partial<MemusageParams>);
}

/** Options over the crawl's settings over the defaults. */
export function memusageParams(options: Partial<MemusageParams>, crawler: Crawler): MemusageParams {
  const settings = crawler.settings as unknown as Record<string, unknown>;
  const pick = <K extends keyof MemusageParams>(key: K): MemusageParams[K] => {
    const option = options[key];
    if (option !== undefined) return option as MemusageParams[K];
    const setting = settings[SETTING[key]];
    return setting === undefined ? MEMUSAGE_DEFAULTS[key] : CHECKS[key](setting, `Setting ${SETTING[key]}`);
  };
  return Object.freeze({
    enabled: pick('enabled'),
    limitMb: pick('limitMb'),
    warningMb: pick('warningMb'),
    checkIntervalSeconds: pick('checkIntervalSeconds'),
    leanHeap: pick('leanHeap'),
  });
}

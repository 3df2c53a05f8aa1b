import { ConfigError, type Crawler } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { MEMUSAGE_DEFAULTS, memusage } from '../src/index.js';
import { memusageParams, resolveMemusageOptions } from '../src/options.js';

const crawlerWith = (settings: Record<string, unknown>): Crawler => ({ settings }) as unknown as Crawler;

describe('memusage() options', () => {
  it("defaults to Scrapy's MEMUSAGE_* values, with the lean heap on", () => {
    expect(memusageParams(resolveMemusageOptions(undefined), crawlerWith({}))).toEqual(MEMUSAGE_DEFAULTS);
    expect(MEMUSAGE_DEFAULTS).toEqual({ enabled: true, limitMb: 0, warningMb: 0, checkIntervalSeconds: 60, leanHeap: true });
  });

  it('takes options over settings over defaults', () => {
    const params = memusageParams(resolveMemusageOptions({ limitMb: 512 }), crawlerWith({ memusageLimitMb: 100, memusageWarningMb: 64, memusageLeanHeap: false }));
    expect(params).toMatchObject({ limitMb: 512, warningMb: 64, leanHeap: false, checkIntervalSeconds: 60 });
  });

  it('refuses bad options and settings with errors that name them', () => {
    expect(() => memusage({ limitMb: -1 })).toThrow(new ConfigError('memusage(): option "limitMb" must be a number of MiB >= 0 (0 turns it off), got -1'));
    expect(() => memusage({ checkIntervalSeconds: 0 })).toThrow(/option "checkIntervalSeconds" must be a number of seconds > 0, got 0/);
    expect(() => memusage({ leanHeap: 'yes' as unknown as boolean })).toThrow(/option "leanHeap" must be true or false, got "yes"/);
    expect(() => memusage({ limitMB: 1 } as never)).toThrow(/unknown option "limitMB" \(known: enabled, limitMb, warningMb, checkIntervalSeconds, leanHeap\)/);
    expect(() => memusage([] as never)).toThrow(ConfigError);
    expect(() => memusageParams(resolveMemusageOptions({}), crawlerWith({ memusageWarningMb: '1G' }))).toThrow(/Setting memusageWarningMb must be a number of MiB >= 0/);
  });
});

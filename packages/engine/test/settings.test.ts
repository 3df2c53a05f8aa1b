import { ConfigError } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { Crawler, DEFAULT_SETTINGS, resolveSettings } from '../src/index.js';
import { fakeHandler } from './support/fake-handler.js';
import { memoryLogger } from './support/logger.js';

const spider = { name: 's', parse: () => undefined };

describe('settings', () => {
  it("carries Scrapy's defaults", () => {
    expect(DEFAULT_SETTINGS).toMatchObject({
      botName: 'crawlbot',
      concurrentRequests: 16,
      concurrentRequestsPerDomain: 8,
      concurrentRequestsPerIp: 0,
      downloadDelay: 0,
      randomizeDownloadDelay: true,
      downloadTimeout: 180,
      downloadMaxSize: 1073741824,
      downloadWarnSize: 33554432,
      downloadFailOnDataloss: true,
      concurrentItems: 100,
      logLevel: 'info',
      logStatsInterval: 60,
      closespiderItemcount: 0,
      schedulerQueue: 'lifo',
      depthLimit: 0,
      urlLengthLimit: 2083,
      referrerPolicy: 'scrapy-default',
      scraperSlotMaxActiveSize: 5000000,
    });
    expect(Object.isFrozen(DEFAULT_SETTINGS)).toBe(true);
    expect(resolveSettings()).toEqual(DEFAULT_SETTINGS);
  });

  it('layers: defaults < crawler settings < spider settings < overrides', () => {
    const crawler = new Crawler(
      { ...spider, settings: { concurrentRequests: 4, downloadDelay: 1 } },
      { settings: { concurrentRequests: 2, botName: 'project', downloadDelay: 3 }, overrides: { downloadDelay: 0.5 } },
    );
    expect(crawler.settings.botName).toBe('project');
    expect(crawler.settings.concurrentRequests).toBe(4);
    expect(crawler.settings.downloadDelay).toBe(0.5);
    expect(crawler.settings.concurrentRequestsPerDomain).toBe(8);
  });

  it('rejects unknown keys, suggesting the closest one', () => {
    expect(() => resolveSettings({ concurrentRequest: 3 } as never)).toThrow(/Unknown setting "concurrentRequest" \(did you mean concurrentRequests\?\)/);
    expect(() => resolveSettings({ DOWNLOAD_DELAY: 3 } as never)).toThrow(/did you mean downloadDelay\?/);
    expect(() => resolveSettings({ totallyUnrelatedThing: 1 } as never)).toThrow(/^Unknown setting "totallyUnrelatedThing"\. /);
    try {
      resolveSettings({ concurrentRequest: 3 } as never);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
    }
  });

  it('rejects wrong types and ranges naming the key and the value', () => {
    expect(() => resolveSettings({ concurrentRequests: '16' as never })).toThrow(/Invalid value for setting concurrentRequests: "16" \(expected a finite number\)/);
    expect(() => resolveSettings({ concurrentRequests: 0 })).toThrow(/concurrentRequests: 0 \(expected a number >= 1\)/);
    expect(() => resolveSettings({ concurrentItems: 1.5 })).toThrow(/concurrentItems: 1.5 \(expected an integer\)/);
    expect(() => resolveSettings({ downloadTimeout: 0 })).toThrow(/downloadTimeout: 0 \(expected a number > 0\)/);
    expect(() => resolveSettings({ downloadDelay: -1 })).toThrow(/downloadDelay: -1/);
    expect(() => resolveSettings({ logLevel: 'verbose' as never })).toThrow(/logLevel: "verbose" \(expected one of 'debug', 'info', 'warn', 'error', 'silent'\)/);
    expect(() => resolveSettings({ schedulerQueue: 'dfo' as never })).toThrow(/schedulerQueue/);
    expect(() => resolveSettings({ randomizeDownloadDelay: 'yes' as never })).toThrow(/randomizeDownloadDelay: "yes" \(expected true or false\)/);
    expect(() => resolveSettings({ httpErrorAllowedCodes: [404, 'x'] as never })).toThrow(/httpErrorAllowedCodes/);
    expect(() => resolveSettings({ feeds: { 'out.xml': { format: 'xml' } } as never })).toThrow(/feeds.*"out.xml" has "xml"/);
    expect(() => resolveSettings({ referrerPolicy: 'whatever' })).toThrow(/referrerPolicy/);
  });

  it('ignores undefined values in a layer', () => {
    expect(resolveSettings({ downloadDelay: undefined } as never).downloadDelay).toBe(0);
  });

  it('a bad setting rejects crawl() with the ConfigError', async () => {
    const crawler = new Crawler(spider, { settings: { concurrentRequestsPerDomain: -2 }, logger: memoryLogger() });
    await expect(crawler.crawl()).rejects.toThrow(/concurrentRequestsPerDomain: -2/);
  });

  it('registerSettings declares keys for one crawler only, with type checks', async () => {
    const a = new Crawler(spider, { settings: { myPluginRetries: 5 } as never });
    a.registerSettings({ myPluginRetries: 3, myPluginMode: 'fast' });
    expect((a.settings as unknown as Record<string, unknown>)['myPluginRetries']).toBe(5);
    expect((a.settings as unknown as Record<string, unknown>)['myPluginMode']).toBe('fast');
    expect(() => a.registerSettings({ late: 1 })).toThrow(/before the settings are resolved/);

    const b = new Crawler(spider, { settings: { myPluginRetries: 5 } as never });
    expect(() => b.settings).toThrow(/Unknown setting "myPluginRetries"/);

    const c = new Crawler(spider, { settings: { myPluginRetries: 'many' } as never });
    c.registerSettings({ myPluginRetries: 3 });
    expect(() => c.settings).toThrow(/myPluginRetries: "many" \(expected a number\)/);

    const d = new Crawler(spider);
    expect(() => d.registerSettings({ downloadDelay: 5 })).toThrow(/already declared/);
  });

  it('a plugin carrying defaultSettings has its keys registered when the Crawler is built', async () => {
    let seen: unknown;
    const plugin = {
      name: 'with-settings',
      defaultSettings: { withSettingsLimit: 10 },
      open(c: Crawler) {
        seen = (c.settings as unknown as Record<string, unknown>)['withSettingsLimit'];
      },
    };
    await new Crawler(
      { ...spider, startUrls: [] },
      { extensions: [plugin as never], settings: { withSettingsLimit: 42, logStatsInterval: 0 } as never, downloadHandlers: [fakeHandler()], logger: memoryLogger() },
    ).crawl();
    expect(seen).toBe(42);
  });
});

import { ConfigError } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { FILES_PIPELINE_DEFAULTS, filesPipeline } from '../src/index.js';

describe('filesPipeline options', () => {
  it("carries Scrapy's defaults", () => {
    expect(FILES_PIPELINE_DEFAULTS).toMatchObject({ urlsField: 'file_urls', resultField: 'files', expiresDays: 90, allowRedirects: false });
    expect(filesPipeline({ store: 'out' }).name).toBe('@crawl/pipeline-files');
  });

  it('rejects unknown keys and bad values with ConfigError naming the option', () => {
    expect(() => filesPipeline({ store: 'out', expires: 3 } as never)).toThrow(/Unknown filesPipeline option "expires"/);
    expect(() => filesPipeline({ store: 'out', expiresDays: -1 })).toThrow(/expiresDays must be a number of days >= 0/);
    expect(() => filesPipeline({ store: 'out', expiresDays: Number.NaN })).toThrow(ConfigError);
    expect(() => filesPipeline({ store: 'out', urlsField: '' })).toThrow(/urlsField must be a non-empty field name/);
    expect(() => filesPipeline({ store: 'out', allowRedirects: 'yes' as never })).toThrow(/allowRedirects must be a boolean, got "yes"/);
    expect(() => filesPipeline({ store: 'out', resultCacheSize: 1.5 })).toThrow(/resultCacheSize must be an integer >= 0/);
    expect(() => filesPipeline({ store: 'out', priority: Number.POSITIVE_INFINITY })).toThrow(/priority must be a finite number/);
    expect(() => filesPipeline({ store: 'out', filePath: 'full/x' as never })).toThrow(/filePath must be a function/);
    expect(() => filesPipeline(null as never)).toThrow(/needs an options object/);
  });

  it('accepts Infinity days (never expire)', () => {
    expect(() => filesPipeline({ store: 'out', expiresDays: Number.POSITIVE_INFINITY })).not.toThrow();
  });
});

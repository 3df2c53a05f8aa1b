import { ConfigError } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { IMAGES_PIPELINE_DEFAULTS, imagesPipeline } from '../src/index.js';

describe('imagesPipeline options', () => {
  it("carries Scrapy's defaults and sharp's pixel limit", () => {
    expect(IMAGES_PIPELINE_DEFAULTS).toMatchObject({
      urlsField: 'image_urls',
      resultField: 'images',
      expiresDays: 90,
      allowRedirects: false,
      thumbs: {},
      minWidth: 0,
      minHeight: 0,
      limitInputPixels: 0x3fff * 0x3fff,
      jpegQuality: 75,
      jpegOptimize: false,
      concurrentImages: 0,
      sharpCache: false,
    });
    expect(imagesPipeline({ store: 'out' }).name).toBe('@crawl/pipeline-images');
  });

  it('rejects unknown keys and bad values with ConfigError naming the option', () => {
    expect(() => imagesPipeline({ store: 'out', thumb: {} } as never)).toThrow(/Unknown imagesPipeline option "thumb"/);
    expect(() => imagesPipeline({ store: 'out', thumbs: [] as never })).toThrow(/thumbs must be an object/);
    expect(() => imagesPipeline({ store: 'out', thumbs: { small: [50] as never } })).toThrow(/thumbs.small must be a \[width, height\] pair/);
    expect(() => imagesPipeline({ store: 'out', thumbs: { small: [0, 50] } })).toThrow(/thumbs.small\[0\] must be an integer from 1/);
    expect(() => imagesPipeline({ store: 'out', thumbs: { '../x': [5, 5] } })).toThrow(ConfigError);
    expect(() => imagesPipeline({ store: 'out', minWidth: -1 })).toThrow(/minWidth must be an integer from 0/);
    expect(() => imagesPipeline({ store: 'out', limitInputPixels: 1.5 })).toThrow(/limitInputPixels/);
    expect(() => imagesPipeline({ store: 'out', jpegQuality: 101 })).toThrow(/jpegQuality must be an integer from 1 to 100/);
    expect(() => imagesPipeline({ store: 'out', convertImage: 1 as never })).toThrow(/convertImage must be a function/);
    expect(() => imagesPipeline({ store: 'out', concurrentImages: -1 })).toThrow(/concurrentImages must be an integer from 0/);
    expect(() => imagesPipeline({ store: 'out', concurrentImages: 1.5 })).toThrow(/concurrentImages must be an integer from 0/);
    expect(() => imagesPipeline({ store: 'out', sharpCache: 'no' as never })).toThrow(/sharpCache must be a boolean, got "no"/);
    expect(() => imagesPipeline({ store: 'out', jpegOptimize: 1 as never })).toThrow(/jpegOptimize must be a boolean, got 1/);
    expect(() => imagesPipeline({ store: 'out', expiresDays: -2 })).toThrow(/imagesPipeline option expiresDays/);
  });
});

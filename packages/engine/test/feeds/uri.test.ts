import { ConfigError } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { feedTimestamp, parseFeedUri, renderFeedUri } from '../../src/feeds/index.js';
import { resolveFeedOptions } from '../../src/feeds/options.js';

describe('parseFeedUri', () => {
  it('takes the format from the extension', () => {
    expect(parseFeedUri('items.jsonl', false)).toEqual(['items.jsonl', { format: 'jsonl' }]);
    expect(parseFeedUri('out/items.JSON', true)).toEqual(['out/items.JSON', { format: 'json', overwrite: true }]);
    expect(parseFeedUri('items.csv', false)).toEqual(['items.csv', { format: 'csv' }]);
    expect(parseFeedUri('items.jl', false)[1].format).toBe('jsonl');
  });

  it('takes the format from a :format suffix, which wins over the extension', () => {
    expect(parseFeedUri('out.json:json', false)).toEqual(['out.json', { format: 'json' }]);
    expect(parseFeedUri('out.txt:csv', true)).toEqual(['out.txt', { format: 'csv', overwrite: true }]);
    expect(parseFeedUri('out:jsonlines', false)).toEqual(['out', { format: 'jsonl' }]);
  });

  it('does not mistake URI and drive colons for a format suffix', () => {
    expect(parseFeedUri('file:///tmp/items.csv', false)).toEqual(['file:///tmp/items.csv', { format: 'csv' }]);
    expect(parseFeedUri('C:\\data\\items.jsonl', false)[0]).toBe('C:\\data\\items.jsonl');
    expect(parseFeedUri('s3://bucket/%(name)s.json', false)).toEqual(['s3://bucket/%(name)s.json', { format: 'json' }]);
  });

  it('rejects unknown formats with a ConfigError listing the supported ones', () => {
    for (const arg of ['items.xml', 'items', 'items.json:xml']) {
      expect(() => parseFeedUri(arg, false), arg).toThrow(ConfigError);
      expect(() => parseFeedUri(arg, false), arg).toThrow(/supported formats: jsonl, json, csv/);
    }
    expect(() => parseFeedUri('items', false)).toThrow(/no file extension/);
  });

  it('rejects stdout and empty targets clearly', () => {
    expect(() => parseFeedUri('-:jsonl', false)).toThrow(/stdout/);
    expect(() => parseFeedUri('', false)).toThrow(ConfigError);
  });
});

describe('renderFeedUri', () => {
  const spider = { name: 'books', parse: () => undefined, region: 'eu', pages: 3, helper: () => 1 };
  const now = new Date(Date.UTC(2024, 4, 1, 12, 30, 5, 999));

  it('fills %(name)s, %(time)s and scalar spider attributes', () => {
    expect(feedTimestamp(now)).toBe('2024-05-01T12-30-05');
    expect(renderFeedUri('out/%(name)s/%(time)s.jsonl', spider, now)).toBe('out/books/2024-05-01T12-30-05.jsonl');
    expect(renderFeedUri('%(name)s-%(region)s-%(pages)s.csv', spider, now)).toBe('books-eu-3.csv');
    expect(renderFeedUri('100%-sure.jsonl', spider, now)).toBe('100%-sure.jsonl');
  });

  it('refuses placeholders with no scalar value', () => {
    expect(() => renderFeedUri('%(missing)s.jsonl', spider, now)).toThrow(ConfigError);
    expect(() => renderFeedUri('%(helper)s.jsonl', spider, now)).toThrow(/placeholder %\(helper\)s/);
    expect(() => renderFeedUri('%(toString)s.jsonl', spider, now)).toThrow(ConfigError);
  });
});

describe('feed options', () => {
  it('fills defaults', () => {
    expect(resolveFeedOptions('a.jsonl', { format: 'jsonl' })).toEqual({ format: 'jsonl', overwrite: undefined, fields: undefined, indent: undefined });
  });

  it('names the feed and the option at fault', () => {
    const bad: [unknown, RegExp][] = [
      [{ format: 'xml' }, /a\.out: unsupported format "xml"; supported formats: jsonl, json, csv/],
      [{ format: 'json', overwite: true }, /unknown option "overwite"/],
      [{ format: 'json', overwrite: 'yes' }, /overwrite must be a boolean/],
      [{ format: 'csv', fields: [] }, /fields must be a non-empty array/],
      [{ format: 'csv', fields: ['a', 'a'] }, /duplicates/],
      [{ format: 'jsonl', indent: 2 }, /indent applies to json feeds only/],
      [{ format: 'json', indent: 11 }, /indent must be an integer from 0 to 10/],
      [{ format: 'json', encoding: 'latin-1' }, /encoding "latin-1" is not supported/],
      ['jsonl', /options must be an object/],
    ];
    for (const [options, message] of bad) {
      expect(() => resolveFeedOptions('a.out', options), JSON.stringify(options)).toThrow(message);
    }
    expect(resolveFeedOptions('a.out', { format: 'json', encoding: 'utf-8', indent: 2 }).indent).toBe(2);
  });
});

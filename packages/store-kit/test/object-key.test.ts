import { ConfigError } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { normalisePrefix, objectKey } from '../src/index.js';

describe('normalisePrefix', () => {
  it('trims slashes, and is empty for no prefix', () => {
    expect(normalisePrefix('/media/files/', 's3Store')).toBe('media/files');
    expect(normalisePrefix('///', 's3Store')).toBe('');
    expect(normalisePrefix('', 's3Store')).toBe('');
  });

  it('refuses "." and ".." segments, naming the store', () => {
    expect(() => normalisePrefix('a/../b', 'gcsStore')).toThrow(ConfigError);
    expect(() => normalisePrefix('a/./b', 'gcsStore')).toThrow(/gcsStore prefix "a\/\.\/b"/);
  });
});

describe('objectKey', () => {
  it('joins the prefix and the checked path with "/"', () => {
    expect(objectKey('media', './full//a.jpg')).toBe('media/full/a.jpg');
    expect(objectKey('', 'full/a.jpg')).toBe('full/a.jpg');
  });

  it('refuses a path that would leave or replace the prefix', () => {
    expect(() => objectKey('media', '../other/a.jpg')).toThrow(ConfigError);
    expect(() => objectKey('media', '/abs/a.jpg')).toThrow(/absolute/);
  });
});

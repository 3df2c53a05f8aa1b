import { ConfigError } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { checkStorePath } from '../src/index.js';

describe('checkStorePath', () => {
  it('splits ordinary relative paths, dropping empty and "." segments', () => {
    expect(checkStorePath('full/abc.jpg')).toEqual(['full', 'abc.jpg']);
    expect(checkStorePath('./full//x/./y.bin')).toEqual(['full', 'x', 'y.bin']);
    expect(checkStorePath('a..b/..c/d..')).toEqual(['a..b', '..c', 'd..']);
  });

  it('refuses non-string paths, naming the type', () => {
    expect(() => checkStorePath(undefined)).toThrow(/must be a string, got undefined/);
    expect(() => checkStorePath(null)).toThrow(/got null/);
    expect(() => checkStorePath(3)).toThrow(ConfigError);
  });

  it.each([
    ['', /empty/],
    ['a\0b', /NUL byte/],
    ['/etc/passwd', /absolute/],
    ['C:\\x', /absolute/],
    ['c:x', /absolute/],
    ['\\\\server\\share\\x', /absolute/],
    ['full/../../x', /"\.\." segment/],
    ['full\\..\\x', /"\.\." segment/],
    ['full/', /names a directory/],
    ['full/.', /names a directory/],
  ])('refuses %j with a ConfigError that names it', (path, message) => {
    expect(() => checkStorePath(path)).toThrow(ConfigError);
    expect(() => checkStorePath(path)).toThrow(message);
  });
});

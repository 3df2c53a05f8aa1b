import { ConfigError } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { HEADER_ROTATION_DEFAULTS, headerRotation, type HeaderRotationOptions } from '../src/index.js';

const profiles = [{ 'User-Agent': 'A/1.0' }];
const bad = (options: unknown): (() => unknown) => () => headerRotation(options as HeaderRotationOptions);

describe('headerRotation options', () => {
  it('applies the documented defaults', () => {
    const mw = headerRotation({ profiles });
    expect(mw.order).toBe(HEADER_ROTATION_DEFAULTS.order);
    expect(mw.name).toBe('crawl-header-rotation');
    expect(mw.defaultSettings).toEqual({ headerRotationEnabled: true });
    expect(headerRotation({ profiles, order: 10 }).order).toBe(10);
  });

  it('rejects an unknown key, naming it and the known ones', () => {
    expect(bad({ profiles, strategie: 'random' })).toThrow(ConfigError);
    expect(bad({ profiles, strategie: 'random' })).toThrow(/unknown option "strategie" \(known: profiles, strategy, scope, override, order\)/);
  });

  it('rejects missing or empty profiles', () => {
    expect(bad(undefined)).toThrow(/needs an options object with "profiles", got undefined/);
    expect(bad({})).toThrow(/option "profiles" must be a non-empty array of header objects, got undefined/);
    expect(bad({ profiles: [] })).toThrow(/got an empty array/);
    expect(bad({ profiles: [{}] })).toThrow(/profiles\[0\] has no headers/);
    expect(bad({ profiles: [{ a: 'x' }, 'ua'] })).toThrow(/profiles\[1\] must be an object of header names to values, got "ua"/);
  });

  it('rejects header values that are not strings or would smuggle header lines', () => {
    expect(bad({ profiles: [{ 'User-Agent': 5 }] })).toThrow(/profiles\[0\]: header "User-Agent" must be a string, got number 5/);
    const smuggle = bad({ profiles: [{ 'User-Agent': 'A\r\nX-Evil: 1' }] });
    expect(smuggle).toThrow(ConfigError);
    expect(smuggle).toThrow(/profiles\[0\]: invalid header "User-Agent"/);
    expect(bad({ profiles: [{ 'Bad Name': 'x' }] })).toThrow(/invalid header "Bad Name"/);
    expect(bad({ profiles: [{ accept: 'a', Accept: 'b' }] })).toThrow(/header "Accept" is given twice/);
  });

  it('rejects bad strategy, scope, override and order values', () => {
    expect(bad({ profiles, strategy: 'lru' })).toThrow(/option "strategy" must be one of round-robin, random, got "lru"/);
    expect(bad({ profiles, scope: 'domain' })).toThrow(/option "scope" must be one of request, slot, got "domain"/);
    expect(bad({ profiles, override: 'yes' })).toThrow(/option "override" must be a boolean, got "yes"/);
    expect(bad({ profiles, order: Number.NaN })).toThrow(/option "order" must be a finite number, got number NaN/);
  });
});

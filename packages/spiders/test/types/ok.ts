// Compiled by cbkwargs-types.test.ts: every line here must type-check, and every line marked
// with an expect-error directive must really be an error (tsc fails on an unused directive).
import type { Response } from '@crawl/core';
import { rule } from '../../src/index.js';

declare const response: Response;

function parseProduct(_response: Response, kw: { category: string; page?: number }) {
  return { category: kw.category };
}

// core's response.follow(): cbKwargs are checked against the callback's second parameter.
response.follow('/p/1', { callback: parseProduct, cbKwargs: { category: 'lamps' } });
response.follow('/p/1', { callback: parseProduct, cbKwargs: { category: 'lamps', page: 2 } });
// @ts-expect-error category must be a string
response.follow('/p/1', { callback: parseProduct, cbKwargs: { category: 1 } });
// @ts-expect-error page must be a number
response.follow('/p/1', { callback: parseProduct, cbKwargs: { category: 'x', page: '2' } });

// rule(): the same, and cbKwargs are required when the callback needs keys.
rule({ callback: parseProduct, cbKwargs: { category: 'lamps' } });
rule({ callback: (_r: Response) => undefined });
rule({ follow: true });
// @ts-expect-error category must be a string
rule({ callback: parseProduct, cbKwargs: { category: 1 } });
// @ts-expect-error cbKwargs are missing
rule({ callback: parseProduct });

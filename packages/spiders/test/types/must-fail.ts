// Must NOT compile (cbkwargs-types.test.ts checks that tsc rejects it, naming cbKwargs' type).
import type { Response } from '@crawl/core';

declare const response: Response;

function parseProduct(_response: Response, kw: { category: string }) {
  return { category: kw.category };
}

response.follow('/p/1', { callback: parseProduct, cbKwargs: { category: 42 } });

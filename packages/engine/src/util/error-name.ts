import { errorLabel } from '@crawl/core';

/**
 * The error's class name for stats keys (spider_exceptions/<Name>). Bundlers that rename a
 * class referring to itself (esbuild emits `class _IgnoreRequest`) leave a leading underscore
 * in `name`; it is stripped so keys stay Scrapy's.
 */
export function errorName(error: unknown): string {
  return errorLabel(error).replace(/^_(?=[A-Z])/, '');
}

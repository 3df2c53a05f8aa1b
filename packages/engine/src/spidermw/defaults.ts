import type { SpiderMiddleware } from '@crawl/core';
import { depthMiddleware } from './depth.js';
import { httpErrorMiddleware } from './httperror.js';
import { offsiteMiddleware } from './offsite.js';
import { refererMiddleware } from './referer.js';
import { urlLengthMiddleware } from './urllength.js';

/** Fresh instances of the five built-in spider middlewares at Scrapy's orders. */
export function defaultSpiderMiddlewares(): SpiderMiddleware[] {
  return [httpErrorMiddleware(), offsiteMiddleware(), refererMiddleware(), urlLengthMiddleware(), depthMiddleware()];
}

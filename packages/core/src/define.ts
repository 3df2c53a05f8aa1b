import type { DownloaderMiddleware, ItemPipeline, Spider, SpiderMiddleware } from './types.js';

/** Identity helpers: type inference for plugin and spider literals, no runtime cost. */
export const defineDownloaderMiddleware = <T extends DownloaderMiddleware>(middleware: T): T => middleware;
export const defineSpiderMiddleware = <T extends SpiderMiddleware>(middleware: T): T => middleware;
export const defineItemPipeline = <I, O = I>(pipeline: ItemPipeline<I, O>): ItemPipeline<I, O> => pipeline;
/**
 * `this` inside the methods is the spider literal itself plus Spider's members, so extra
 * properties (a baseUrl, helper methods) type-check. The constraint names only `name`: TypeScript
 * stops inferring T from a literal whose methods the constraint also declares. A request that
 * needs the default callback of a spider without `parse` fails as a counted spider error.
 */
export const defineSpider = <T extends { readonly name: string }>(spider: T & ThisType<T & Spider<any>>): T & Spider<any> =>
  spider as T & Spider<any>;

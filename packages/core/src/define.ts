import type { DownloaderMiddleware, ItemPipeline, Spider, SpiderMiddleware } from './types.js';

/** Identity helpers: type inference for plugin and spider literals, no runtime cost. */
export const defineDownloaderMiddleware = <T extends DownloaderMiddleware>(middleware: T): T => middleware;
export const defineSpiderMiddleware = <T extends SpiderMiddleware>(middleware: T): T => middleware;
export const defineItemPipeline = <I, O = I>(pipeline: ItemPipeline<I, O>): ItemPipeline<I, O> => pipeline;
export const defineSpider = <T extends Spider<any>>(spider: T): T => spider;

import type { DownloadHandler, DownloaderMiddleware, ItemPipeline } from '@crawl/core';
import { httpHandler } from '@crawl/http';

/**
 * The plugins the CLI uses when the user's project names none. A library user gets exactly
 * what they install; the CLI is an application and may offer a ready set. It grows as the
 * middleware packages land (each is optional: missing ones are simply not in the set).
 */
export interface DefaultPlugins {
  downloadHandlers: DownloadHandler[];
  downloaderMiddlewares: DownloaderMiddleware[];
  itemPipelines: ItemPipeline<any, any>[];
}

export function defaultPlugins(): DefaultPlugins {
  return {
    downloadHandlers: [httpHandler()],
    downloaderMiddlewares: [],
    itemPipelines: [],
  };
}

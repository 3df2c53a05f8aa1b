import type { Request } from '@crawl/core';
import { urlHash } from '@crawl/pipeline-files';

/** Scrapy's ImagesPipeline.file_path: `full/<sha1 of the URL>.jpg`, whatever the format downloaded. */
export function defaultImagePath(request: Request<any>): string {
  return `full/${urlHash(request.url)}.jpg`;
}

/** Scrapy's ImagesPipeline.thumb_path: `thumbs/<thumbId>/<sha1 of the URL>.jpg`. */
export function defaultThumbPath(request: Request<any>, thumbId: string): string {
  return `thumbs/${thumbId}/${urlHash(request.url)}.jpg`;
}

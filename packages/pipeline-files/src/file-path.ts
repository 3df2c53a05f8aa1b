import { createHash } from 'node:crypto';
import type { Request, Response } from '@crawl/core';
import { extension, lookup } from 'mime-types';

/** SHA-1 hex of a URL: the media id in Scrapy's default file names. */
export function urlHash(url: string): string {
  return createHash('sha1').update(url).digest('hex');
}

/** The last dot-suffix of the URL path's final segment (Python's Path.suffix), query and fragment ignored. */
function pathSuffix(url: string): string {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return '';
  }
  const name = pathname.slice(pathname.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 || dot === name.length - 1 ? '' : name.slice(dot);
}

/**
 * The extension for a media file, with its dot: the URL path's suffix when it is a known media
 * extension (so `/a/baz.txt?fizz` gives `.txt`), else the one of the response's Content-Type,
 * else ''.
 */
export function mediaExtension(url: string, contentType?: string | null): string {
  const suffix = pathSuffix(url);
  if (suffix !== '' && lookup(suffix) !== false) return suffix.toLowerCase();
  if (contentType) {
    const ext = extension(contentType);
    if (ext !== false) return `.${ext}`;
  }
  return '';
}

/**
 * Scrapy's FilesPipeline.file_path: `full/<sha1 of the URL><extension>`. Before the download
 * (the expiry check) there is no response, so a URL without a known extension gets no extension
 * there; see the README for what that means for expiry.
 */
export function defaultFilePath(request: Request<any>, response?: Response): string {
  const contentType = response?.headers.get('content-type');
  return `full/${urlHash(request.url)}${mediaExtension(request.url, contentType)}`;
}

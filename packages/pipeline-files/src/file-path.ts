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

/** The media type of a `data:` URL (`data:image/png;base64,…` → image/png), as Python's mimetypes.guess_type reads it. */
function dataUrlType(url: string): string | undefined {
  if (!/^data:/i.test(url)) return undefined;
  const end = url.indexOf(',');
  if (end < 0) return undefined;
  const type = url.slice(5, end).split(';', 1)[0]!.trim();
  return type === '' ? 'text/plain' : type;
}

/**
 * Scrapy's extension rule, with its dot: the URL path's suffix when it is a known media extension
 * (so `/a/baz.txt?fizz` gives `.txt`), else the extension of the media type guessed from the URL
 * (a `data:` URL names one), else ''. Only the URL counts, never the response: the path must be
 * the same before the download (the expiry check) and after it, or a stored file would never be
 * found up to date again.
 */
export function mediaExtension(url: string): string {
  const suffix = pathSuffix(url);
  if (suffix !== '' && lookup(suffix) !== false) return suffix.toLowerCase();
  const type = dataUrlType(url);
  if (type !== undefined) {
    const ext = extension(type);
    if (ext !== false) return `.${ext}`;
  }
  return '';
}

/**
 * Scrapy's FilesPipeline.file_path: `full/<sha1 of the URL><extension>`. The response is not
 * consulted (see mediaExtension); a filePath hook may use it, at the cost of expiry for URLs whose
 * name it changes.
 */
export function defaultFilePath(request: Request<any>, _response?: Response): string {
  return `full/${urlHash(request.url)}${mediaExtension(request.url)}`;
}

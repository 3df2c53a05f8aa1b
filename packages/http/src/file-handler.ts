import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  ConnectionLostError,
  createResponse,
  DownloadError,
  ResponseTooLargeError,
  UnsupportedSchemeError,
  type Crawler,
  type DownloadHandler,
  type Request,
  type Response,
} from '@crawl/core';
import { errorCode } from './map-error.js';
import { sizeFor } from './limits.js';

function describeFsError(error: unknown): string {
  switch (errorCode(error)) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

async function readLocal(request: Request<any>, crawler: Crawler): Promise<Response> {
  const url = request.url;
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch (cause) {
    throw new DownloadError(url, `Cannot read ${url}: not a local file path (${describeFsError(cause)})`, { cause });
  }
  const maxSize = sizeFor('downloadMaxSize', request, crawler);
  const signal = (crawler as { abortSignal?: AbortSignal }).abortSignal;
  let body: Buffer;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error(`EISDIR: ${path}`), { code: 'EISDIR' });
    // Devices and FIFOs (/dev/zero) report size 0 and never end: read regular files only.
    if (!info.isFile()) throw new Error('not a regular file');
    // Checked before reading, like a declared Content-Length, so a huge file is never loaded.
    if (maxSize > 0 && info.size > maxSize) throw new ResponseTooLargeError(url, info.size, maxSize);
    body = await readFile(path, signal === undefined ? undefined : { signal });
  } catch (cause) {
    if (cause instanceof ResponseTooLargeError) throw cause;
    if (signal?.aborted) throw new ConnectionLostError(url, `Reading ${path} aborted by crawler shutdown`, { cause });
    throw new DownloadError(url, `Cannot read file ${path}: ${describeFsError(cause)} (${url})`, { cause });
  }
  // The file may have grown between stat and read.
  if (maxSize > 0 && body.byteLength > maxSize) throw new ResponseTooLargeError(url, body.byteLength, maxSize);
  return createResponse(url, { status: 200, body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength), request });
}

/**
 * Reads `file:` URLs from the local disk. Opt-in only (never part of the http handler): a crawl
 * that follows untrusted links must not be able to read local files. The response class comes
 * from the file extension, then the content, as in Scrapy.
 */
export function fileHandler(): DownloadHandler {
  return {
    name: '@crawl/http:file',
    schemes: ['file'],
    download(request: Request<any>, crawler: Crawler): Promise<Response> {
      if (request.scheme !== 'file') {
        return Promise.reject(new UnsupportedSchemeError(request.url, `fileHandler reads file: URLs only, not ${request.url}`));
      }
      return readLocal(request, crawler);
    },
  };
}

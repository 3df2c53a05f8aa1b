import { ConfigError, type FilesStore } from '@crawl/core';
import { maskUri } from '@crawl/store-kit';
import { ftpStore, type FtpStore } from './ftp-store.js';
import type { FtpStoreOptions } from './options.js';

function decode(part: string, what: string, uri: URL): string {
  try {
    return decodeURIComponent(part);
  } catch (cause) {
    throw new ConfigError(`FTP store URI ${maskUri(uri)}: the ${what} is not valid percent-encoding`, { cause });
  }
}

/**
 * Options from `ftp://user:pass@host:port/path` (`ftps://` for explicit FTPS). The path is the
 * store's directory: `ftp://host/files` is `/files`; `ftp://host` and `ftp://host/~/files` are the
 * login directory and `files` under it. Credentials in the
 * URI win over `options.user/password` (`ftpUser/ftpPassword`), which fill in what it leaves out.
 */
export function ftpOptionsFromUri(uri: URL, options: Partial<FtpStoreOptions> = {}): FtpStoreOptions {
  const scheme = uri.protocol.slice(0, -1).toLowerCase();
  if (scheme !== 'ftp' && scheme !== 'ftps') throw new ConfigError(`FTP store URI ${maskUri(uri)}: expected ftp:// or ftps://`);
  if (uri.search !== '' || uri.hash !== '') throw new ConfigError(`FTP store URI ${maskUri(uri)}: a query or fragment has no meaning here`);
  const host = uri.hostname.startsWith('[') ? uri.hostname.slice(1, -1) : uri.hostname;
  if (host === '') throw new ConfigError(`FTP store URI ${maskUri(uri)} has no host`);
  let path = decode(uri.pathname, 'path', uri);
  if (path === '/' || path === '/~') path = '';
  else if (path.startsWith('/~/')) path = path.slice(3);
  const out: FtpStoreOptions & Record<string, unknown> = { ...options, host, basePath: path };
  if (uri.port !== '') out.port = Number(uri.port);
  if (uri.username !== '') {
    delete out.ftpUser;
    out.user = decode(uri.username, 'user', uri);
  }
  if (uri.password !== '') {
    delete out.ftpPassword;
    out.password = decode(uri.password, 'password', uri);
  }
  if (scheme === 'ftps' && out.secure === undefined) out.secure = true;
  return out;
}

/**
 * The by-scheme entry point every store package exports: media pipelines and feeds resolve
 * `ftp://` and `ftps://` URIs through it.
 */
export function createFilesStore(uri: URL, options?: Partial<FtpStoreOptions>): FilesStore {
  return ftpStore(ftpOptionsFromUri(uri, options)) satisfies FtpStore;
}

import { ConfigError } from '@crawl/core';

export interface FtpStoreOptions {
  /** Server host name or IP. */
  host: string;
  /** Control port (default 21; 990 is usual for implicit FTPS). */
  port?: number;
  /** Login user (default 'anonymous'). `ftpUser` is accepted as an alias (Scrapy's FTP_USER). */
  user?: string;
  /** Login password (default 'guest'). `ftpPassword` is accepted as an alias (Scrapy's FTP_PASSWORD). */
  password?: string;
  ftpUser?: string;
  ftpPassword?: string;
  /** Directory that store paths are relative to; absolute, or relative to the login directory. Default: the login directory. */
  basePath?: string;
  /** Passive mode (the default). false: active mode, where the server connects back to this machine (PORT/EPRT). */
  passive?: boolean;
  /** FTPS: true for explicit TLS (AUTH TLS), 'implicit' for implicit TLS (usually port 990). */
  secure?: boolean | 'implicit';
  /** Verify the server's TLS certificate (default true). false accepts self-signed certificates. */
  tlsVerify?: boolean;
  /** Retries of an operation after a transient failure (network errors, 4xx replies); default 3. */
  retries?: number;
  /** Seconds without progress on the control or data connection before it is given up (default 30). */
  timeout?: number;
  /** stat() downloads the file to report its MD5 as `checksum`, as Scrapy's FTPFilesStore does (default false). */
  checksum?: boolean;
}

export interface FtpStoreDefaults {
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly basePath: string;
  readonly passive: boolean;
  readonly secure: boolean;
  readonly tlsVerify: boolean;
  readonly retries: number;
  readonly timeout: number;
  readonly checksum: boolean;
}

export const FTP_STORE_DEFAULTS: FtpStoreDefaults = Object.freeze({
  port: 21,
  user: 'anonymous',
  password: 'guest',
  basePath: '',
  passive: true,
  secure: false,
  tlsVerify: true,
  retries: 3,
  timeout: 30,
  checksum: false,
});

export interface ResolvedFtpOptions {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly basePath: string;
  readonly passive: boolean;
  readonly secure: boolean | 'implicit';
  readonly tlsVerify: boolean;
  readonly retries: number;
  readonly timeout: number;
  readonly checksum: boolean;
}

const KNOWN: ReadonlySet<string> = new Set([
  'host',
  'port',
  'user',
  'password',
  'ftpUser',
  'ftpPassword',
  'basePath',
  'passive',
  'secure',
  'tlsVerify',
  'retries',
  'timeout',
  'checksum',
]);

function check(ok: boolean, message: string): void {
  if (!ok) throw new ConfigError(`ftpStore option ${message}`);
}

/** Validates options and applies FTP_STORE_DEFAULTS; errors name the option and never echo a password. */
export function resolveFtpOptions(options: FtpStoreOptions): ResolvedFtpOptions {
  if (typeof options !== 'object' || options === null) throw new ConfigError(`ftpStore() needs options { host, … } or an ftp:// URI, got ${options === null ? 'null' : typeof options}`);
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new ConfigError(`Unknown ftpStore option ${JSON.stringify(key)}; known: ${[...KNOWN].join(', ')}`);
  }
  const o = options as FtpStoreOptions & Record<string, unknown>;
  check(typeof o.host === 'string' && o.host !== '' && !/[\s/@]/.test(o.host), `host must be a host name or IP, got ${JSON.stringify(o.host)}`);
  const port = o.port ?? FTP_STORE_DEFAULTS.port;
  check(Number.isInteger(port) && port >= 1 && port <= 65535, `port must be an integer from 1 to 65535, got ${JSON.stringify(o.port)}`);
  check(o.user === undefined || o.ftpUser === undefined || o.user === o.ftpUser, 'user and ftpUser disagree; set one of them');
  check(o.password === undefined || o.ftpPassword === undefined || o.password === o.ftpPassword, 'password and ftpPassword disagree; set one of them');
  const user = o.user ?? o.ftpUser ?? FTP_STORE_DEFAULTS.user;
  const password = o.password ?? o.ftpPassword ?? FTP_STORE_DEFAULTS.password;
  check(typeof user === 'string' && !/[\r\n]/.test(user), 'user must be a string without line breaks');
  // Never show the value: it is a secret.
  check(typeof password === 'string' && !/[\r\n]/.test(password), 'password must be a string without line breaks');
  const basePath = o.basePath ?? FTP_STORE_DEFAULTS.basePath;
  check(typeof basePath === 'string' && !basePath.includes('\0') && !/[\r\n]/.test(basePath), `basePath must be a directory path, got ${JSON.stringify(o.basePath)}`);
  check(!basePath.split('/').includes('..'), `basePath must not contain "..", got ${JSON.stringify(basePath)}`);
  const passive = o.passive ?? FTP_STORE_DEFAULTS.passive;
  check(typeof passive === 'boolean', `passive must be a boolean, got ${JSON.stringify(o.passive)}`);
  const secure = o.secure ?? FTP_STORE_DEFAULTS.secure;
  check(typeof secure === 'boolean' || secure === 'implicit', `secure must be true, false or 'implicit', got ${JSON.stringify(o.secure)}`);
  const tlsVerify = o.tlsVerify ?? FTP_STORE_DEFAULTS.tlsVerify;
  check(typeof tlsVerify === 'boolean', `tlsVerify must be a boolean, got ${JSON.stringify(o.tlsVerify)}`);
  const retries = o.retries ?? FTP_STORE_DEFAULTS.retries;
  check(Number.isInteger(retries) && retries >= 0 && retries <= 20, `retries must be an integer from 0 to 20, got ${JSON.stringify(o.retries)}`);
  const timeout = o.timeout ?? FTP_STORE_DEFAULTS.timeout;
  check(typeof timeout === 'number' && Number.isFinite(timeout) && timeout > 0, `timeout must be a positive number of seconds, got ${JSON.stringify(o.timeout)}`);
  const checksum = o.checksum ?? FTP_STORE_DEFAULTS.checksum;
  check(typeof checksum === 'boolean', `checksum must be a boolean, got ${JSON.stringify(o.checksum)}`);
  return { host: o.host, port, user, password, basePath: trimSlashes(basePath), passive, secure, tlsVerify, retries, timeout, checksum };
}

// '/a/b/' → '/a/b', 'a//b/' → 'a/b', '/' → '/': one spelling per directory.
function trimSlashes(path: string): string {
  const absolute = path.startsWith('/');
  const inner = path.split('/').filter((s) => s !== '' && s !== '.').join('/');
  return absolute ? `/${inner}` : inner;
}

/** `ftp://user:***@host:port/path`: how a store is named in logs (the password never is). */
export function describeFtp(o: Pick<ResolvedFtpOptions, 'host' | 'port' | 'user' | 'basePath' | 'secure'>): string {
  const scheme = o.secure === false ? 'ftp' : 'ftps';
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  const port = o.port === FTP_STORE_DEFAULTS.port ? '' : `:${o.port}`;
  const path = o.basePath === '' ? '' : o.basePath.startsWith('/') ? o.basePath : `/${o.basePath}`;
  return `${scheme}://${encodeURIComponent(o.user)}:***@${host}${port}${path}`;
}

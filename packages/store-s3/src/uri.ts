import { ConfigError } from '@crawl/core';
import { maskUri } from '@crawl/store-kit';
import type { S3Acl, S3StoreOptions } from './options.js';
import { s3Store, type S3Store } from './s3-store.js';

/** Query parameters an `s3://` URI may carry, and how to read them. */
const QUERY: Readonly<Record<string, 'string' | 'boolean' | 'integer'>> = {
  region: 'string',
  endpoint: 'string',
  forcePathStyle: 'boolean',
  acl: 'string',
  cacheControl: 'string',
  tls: 'boolean',
  allowInsecure: 'boolean',
  tlsVerify: 'boolean',
  retries: 'integer',
  partSize: 'integer',
  queueSize: 'integer',
};

function parseValue(key: string, kind: 'string' | 'boolean' | 'integer', raw: string, shown: string): unknown {
  if (kind === 'string') return raw;
  if (kind === 'boolean') {
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    throw new ConfigError(`S3 store URI ${shown}: ${key} must be true or false, got ${JSON.stringify(raw)}`);
  }
  if (!/^\d+$/.test(raw)) throw new ConfigError(`S3 store URI ${shown}: ${key} must be a whole number, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/**
 * Options from `s3://[accessKeyId:secretAccessKey@]bucket/prefix?region=…&endpoint=…&acl=…`.
 * Credentials in the URI are accepted as Scrapy's feed URIs allow them, but the AWS credential
 * chain (env vars, profiles, roles) keeps them out of configs and logs.
 */
export function s3OptionsFromUri(uri: URL | string): S3StoreOptions {
  const shown = maskUri(uri);
  let url: URL;
  try {
    url = new URL(String(uri));
  } catch (cause) {
    throw new ConfigError(`S3 store URI ${shown} is not a valid URL`, { cause });
  }
  if (url.protocol !== 's3:') throw new ConfigError(`S3 store URI ${shown} must start with s3://`);
  if (url.hostname === '') throw new ConfigError(`S3 store URI ${shown} names no bucket (s3://bucket/prefix)`);
  if (url.port !== '') throw new ConfigError(`S3 store URI ${shown}: a bucket has no port; use ?endpoint=https://host:port for an S3-compatible server`);
  if (url.hash !== '') throw new ConfigError(`S3 store URI ${shown} has a #fragment, which S3 keys cannot be addressed by`);
  const options: Record<string, unknown> = { bucket: decodeURIComponent(url.hostname), prefix: decodeURIComponent(url.pathname) };
  if (url.username !== '' || url.password !== '') {
    if (url.username === '' || url.password === '') throw new ConfigError(`S3 store URI ${shown} must carry both accessKeyId and secretAccessKey, or neither`);
    options['credentials'] = { accessKeyId: decodeURIComponent(url.username), secretAccessKey: decodeURIComponent(url.password) };
  }
  for (const [key, raw] of url.searchParams) {
    const kind = QUERY[key];
    if (kind === undefined) throw new ConfigError(`Unknown S3 store URI parameter ${JSON.stringify(key)} in ${shown}; known: ${Object.keys(QUERY).join(', ')}`);
    options[key] = parseValue(key, kind, raw, shown);
  }
  return options as unknown as S3StoreOptions & { acl?: S3Acl };
}

/**
 * The by-scheme entry point @crawl/pipeline-files calls for `s3://` stores. `options` (typed
 * s3Store options) override what the URI says.
 */
export function createFilesStore(uri: URL, options?: Partial<S3StoreOptions>): S3Store {
  return s3Store({ ...s3OptionsFromUri(uri), ...options });
}

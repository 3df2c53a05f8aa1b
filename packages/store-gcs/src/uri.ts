import { ConfigError } from '@crawl/core';
import { maskUri } from '@crawl/store-kit';
import type { GcsStoreOptions } from './options.js';
import { gcsStore, type GcsStore } from './gcs-store.js';

const QUERY: Readonly<Record<string, 'string' | 'boolean' | 'integer'>> = {
  projectId: 'string',
  keyFilename: 'string',
  apiEndpoint: 'string',
  useAuthWithCustomEndpoint: 'boolean',
  allowInsecure: 'boolean',
  acl: 'string',
  cacheControl: 'string',
  retries: 'integer',
  streamChunkSize: 'integer',
};

function parseValue(key: string, kind: 'string' | 'boolean' | 'integer', raw: string, shown: string): unknown {
  if (kind === 'string') return raw;
  if (kind === 'boolean') {
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    throw new ConfigError(`GCS store URI ${shown}: ${key} must be true or false, got ${JSON.stringify(raw)}`);
  }
  if (!/^\d+$/.test(raw)) throw new ConfigError(`GCS store URI ${shown}: ${key} must be a whole number, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/**
 * Options from `gs://bucket/prefix?projectId=…&acl=…&apiEndpoint=…`. Credentials never go in the
 * URI: the client finds them by its standard means (GOOGLE_APPLICATION_CREDENTIALS, gcloud, the
 * metadata server) or they come as options.
 */
export function gcsOptionsFromUri(uri: URL | string): GcsStoreOptions {
  const shown = maskUri(uri);
  let url: URL;
  try {
    url = new URL(String(uri));
  } catch (cause) {
    throw new ConfigError(`GCS store URI ${shown} is not a valid URL`, { cause });
  }
  if (url.protocol !== 'gs:' && url.protocol !== 'gcs:') throw new ConfigError(`GCS store URI ${shown} must start with gs://`);
  if (url.hostname === '') throw new ConfigError(`GCS store URI ${shown} names no bucket (gs://bucket/prefix)`);
  if (url.username !== '' || url.password !== '') throw new ConfigError(`GCS store URI ${shown} carries credentials; use GOOGLE_APPLICATION_CREDENTIALS or the credentials/keyFilename options`);
  if (url.port !== '') throw new ConfigError(`GCS store URI ${shown}: a bucket has no port; use ?apiEndpoint=https://host:port for an emulator`);
  if (url.hash !== '') throw new ConfigError(`GCS store URI ${shown} has a #fragment, which object names cannot be addressed by`);
  const options: Record<string, unknown> = { bucket: decodeURIComponent(url.hostname), prefix: decodeURIComponent(url.pathname) };
  for (const [key, raw] of url.searchParams) {
    const kind = QUERY[key];
    if (kind === undefined) throw new ConfigError(`Unknown GCS store URI parameter ${JSON.stringify(key)} in ${shown}; known: ${Object.keys(QUERY).join(', ')}`);
    options[key] = parseValue(key, kind, raw, shown);
  }
  return options as unknown as GcsStoreOptions;
}

/**
 * The by-scheme entry point @crawl/pipeline-files calls for `gs://` stores. `options` (typed
 * gcsStore options) override what the URI says.
 */
export function createFilesStore(uri: URL, options?: Partial<GcsStoreOptions>): GcsStore {
  return gcsStore({ ...gcsOptionsFromUri(uri), ...options });
}

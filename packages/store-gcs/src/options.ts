import { ConfigError } from '@crawl/core';
import type { StorageOptions } from '@google-cloud/storage';

/** Predefined ACLs of the GCS JSON API (Scrapy's FILES_STORE_GCS_ACL values). */
export type GcsAcl = 'authenticatedRead' | 'bucketOwnerFullControl' | 'bucketOwnerRead' | 'private' | 'projectPrivate' | 'publicRead';

export const GCS_ACLS: readonly GcsAcl[] = Object.freeze(['authenticatedRead', 'bucketOwnerFullControl', 'bucketOwnerRead', 'private', 'projectPrivate', 'publicRead']);

/** Service-account credentials ({ client_email, private_key }) or other GoogleAuth credentials. */
export type GcsCredentials = NonNullable<StorageOptions['credentials']>;

export interface GcsStoreOptions {
  /** Bucket name. */
  bucket: string;
  /** Object name prefix every store path goes under ('images' → images/full/<sha1>.jpg). */
  prefix?: string;
  /** Google Cloud project (Scrapy's GCS_PROJECT_ID); default: from the credentials or the environment. */
  projectId?: string;
  /** Credentials; default: the client's standard means (GOOGLE_APPLICATION_CREDENTIALS, gcloud, metadata server). */
  credentials?: GcsCredentials;
  /** A service-account key file instead of `credentials`. */
  keyFilename?: string;
  /** Another endpoint (an emulator, a private gateway): `https://gcs.example:4443`. */
  apiEndpoint?: string;
  /** Send OAuth tokens to a custom `apiEndpoint` too (the client sends none there by default, as emulators want). */
  useAuthWithCustomEndpoint?: boolean;
  /** Allow a plaintext `http://` apiEndpoint (advisory S15): requests, tokens included, go in the clear. */
  allowInsecure?: boolean;
  /** Predefined ACL of every object written; default: none sent, so the bucket's default object ACL applies. */
  acl?: GcsAcl;
  /** Cache-Control of every object written (Scrapy's GCSFilesStore.CACHE_CONTROL); '' sets none. */
  cacheControl?: string;
  /** Retries of a failed request (429, 5xx, network errors) before the write fails. */
  retries?: number;
  /**
   * persistStream() sends a stream as a resumable upload in chunks of this many bytes (a multiple
   * of 256 KiB); each chunk is held in memory until GCS has it, so a failed chunk can be resent.
   */
  streamChunkSize?: number;
}

export interface GcsStoreDefaults {
  readonly prefix: string;
  readonly useAuthWithCustomEndpoint: boolean;
  readonly allowInsecure: boolean;
  readonly cacheControl: string;
  readonly retries: number;
  readonly streamChunkSize: number;
}

/** GCS takes resumable upload chunks in multiples of 256 KiB (the last one excepted). */
export const GCS_CHUNK_QUANTUM = 256 * 1024;

export const GCS_STORE_DEFAULTS: GcsStoreDefaults = Object.freeze({
  prefix: '',
  useAuthWithCustomEndpoint: false,
  allowInsecure: false,
  // Scrapy's GCSFilesStore.CACHE_CONTROL: two days.
  cacheControl: 'max-age=172800',
  retries: 3,
  // Google's recommended minimum chunk size for chunked resumable uploads.
  streamChunkSize: 8 * 1024 * 1024,
});

const KNOWN: readonly string[] = Object.freeze([
  'bucket', 'prefix', 'projectId', 'credentials', 'keyFilename', 'apiEndpoint', 'useAuthWithCustomEndpoint', 'allowInsecure', 'acl', 'cacheControl', 'retries', 'streamChunkSize',
]);

export interface ResolvedGcsOptions extends GcsStoreDefaults {
  readonly bucket: string;
  readonly projectId: string | undefined;
  readonly credentials: GcsCredentials | undefined;
  readonly keyFilename: string | undefined;
  readonly apiEndpoint: URL | undefined;
  readonly acl: GcsAcl | undefined;
}

function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return typeof value;
}

// GCS bucket naming rules, loosely (dots allowed for domain-named buckets).
const BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;

/** Validates gcsStore() options (unknown keys and bad values → ConfigError naming the key) and applies defaults. */
export function resolveGcsOptions(options: GcsStoreOptions): ResolvedGcsOptions {
  if (typeof options !== 'object' || options === null) throw new ConfigError(`gcsStore() needs an options object with at least { bucket }, got ${shown(options)}`);
  for (const key of Object.keys(options)) {
    if (!KNOWN.includes(key)) throw new ConfigError(`Unknown gcsStore option ${JSON.stringify(key)}; known: ${KNOWN.join(', ')}`);
  }
  const fail = (key: string, expected: string, value: unknown): never => {
    throw new ConfigError(`gcsStore option ${key} must be ${expected}, got ${key === 'credentials' ? typeof value : shown(value)}`);
  };
  const o = options as unknown as Record<string, unknown>;
  const str = (key: 'prefix' | 'projectId' | 'keyFilename' | 'cacheControl'): string | undefined => {
    const value = o[key];
    if (value !== undefined && typeof value !== 'string') fail(key, 'a string', value);
    return value as string | undefined;
  };
  const bool = (key: 'useAuthWithCustomEndpoint' | 'allowInsecure'): boolean => {
    const value = o[key] ?? GCS_STORE_DEFAULTS[key];
    if (typeof value !== 'boolean') fail(key, 'a boolean', value);
    return value as boolean;
  };

  if (typeof options.bucket !== 'string' || !BUCKET.test(options.bucket)) fail('bucket', 'a bucket name (3–222 lowercase letters, digits, ".", "-", "_")', options.bucket);
  const acl = options.acl;
  if (acl !== undefined && !GCS_ACLS.includes(acl)) fail('acl', `one of ${GCS_ACLS.join(', ')} (or unset for the bucket default)`, acl);
  const credentials = options.credentials;
  if (credentials !== undefined && (typeof credentials !== 'object' || credentials === null)) fail('credentials', 'a credentials object ({ client_email, private_key })', credentials);
  const keyFilename = str('keyFilename');
  if (credentials !== undefined && keyFilename !== undefined) throw new ConfigError('gcsStore options credentials and keyFilename are exclusive; pass one');
  const retries = options.retries ?? GCS_STORE_DEFAULTS.retries;
  if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0) fail('retries', 'an integer >= 0', retries);
  const streamChunkSize = options.streamChunkSize ?? GCS_STORE_DEFAULTS.streamChunkSize;
  if (typeof streamChunkSize !== 'number' || !Number.isSafeInteger(streamChunkSize) || streamChunkSize < GCS_CHUNK_QUANTUM || streamChunkSize % GCS_CHUNK_QUANTUM !== 0) {
    fail('streamChunkSize', `a positive multiple of ${GCS_CHUNK_QUANTUM} (256 KiB)`, streamChunkSize);
  }

  const allowInsecure = bool('allowInsecure');
  let apiEndpoint: URL | undefined;
  if (options.apiEndpoint !== undefined) {
    if (typeof options.apiEndpoint !== 'string') fail('apiEndpoint', 'a URL string', options.apiEndpoint);
    try {
      apiEndpoint = new URL(options.apiEndpoint);
    } catch {
      fail('apiEndpoint', 'an absolute http(s) URL', options.apiEndpoint);
    }
    if (apiEndpoint!.protocol !== 'https:' && apiEndpoint!.protocol !== 'http:') fail('apiEndpoint', 'an http(s) URL', options.apiEndpoint);
    if (apiEndpoint!.username !== '' || apiEndpoint!.password !== '') throw new ConfigError('gcsStore option apiEndpoint must not carry credentials');
    // Advisory S15: cloud storage clients default to HTTPS; plaintext only by explicit opt-out.
    if (apiEndpoint!.protocol === 'http:' && !allowInsecure) {
      throw new ConfigError(`gcsStore apiEndpoint ${apiEndpoint!.origin} is plaintext http://; set allowInsecure: true if that is really intended (e.g. a loopback emulator), or use https`);
    }
  }

  return {
    bucket: options.bucket,
    prefix: str('prefix') ?? GCS_STORE_DEFAULTS.prefix,
    projectId: str('projectId'),
    credentials,
    keyFilename,
    apiEndpoint,
    useAuthWithCustomEndpoint: bool('useAuthWithCustomEndpoint'),
    allowInsecure,
    acl,
    cacheControl: str('cacheControl') ?? GCS_STORE_DEFAULTS.cacheControl,
    retries,
    streamChunkSize,
  };
}

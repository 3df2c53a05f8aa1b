import { ConfigError } from '@crawl/core';
import type { S3ClientConfig } from '@aws-sdk/client-s3';

/** Static credentials ({ accessKeyId, secretAccessKey, sessionToken? }) or a provider, as the AWS SDK takes them. */
export type S3Credentials = NonNullable<S3ClientConfig['credentials']>;

/** S3 canned ACLs (x-amz-acl). */
export type S3Acl =
  | 'private'
  | 'public-read'
  | 'public-read-write'
  | 'authenticated-read'
  | 'aws-exec-read'
  | 'bucket-owner-read'
  | 'bucket-owner-full-control';

export const S3_ACLS: readonly S3Acl[] = Object.freeze([
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'aws-exec-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
]);

export interface S3StoreOptions {
  /** Bucket name. */
  bucket: string;
  /** Key prefix every store path goes under ('images' → images/full/<sha1>.jpg). */
  prefix?: string;
  /** AWS region; default: the SDK's chain (AWS_REGION, config files), or us-east-1 with a custom endpoint. */
  region?: string;
  /** Static credentials or a provider; default: the standard AWS chain (env vars, shared files, SSO, IMDS…). */
  credentials?: S3Credentials;
  /** An S3-compatible endpoint (MinIO, Scality, Ceph…): `https://minio.example:9000`. */
  endpoint?: string;
  /** Path-style URLs (`endpoint/bucket/key`) instead of virtual hosts; most self-hosted servers need it. */
  forcePathStyle?: boolean;
  /** Canned ACL of every object written (Scrapy's FILES_STORE_S3_ACL). */
  acl?: S3Acl;
  /** Cache-Control of every object written (Scrapy's S3FilesStore.HEADERS); '' sends none. */
  cacheControl?: string;
  /** HTTPS to S3 (Scrapy's AWS_USE_SSL). `false` needs `allowInsecure: true` (advisory S15). */
  tls?: boolean;
  /** Allow plaintext HTTP (an `http://` endpoint or `tls: false`): requests carry signed credentials in the clear. */
  allowInsecure?: boolean;
  /** Verify the endpoint's TLS certificate (Scrapy's AWS_VERIFY); `false` for self-signed test servers only. */
  tlsVerify?: boolean;
  /** Retries of a failed request (throttling, 5xx, network errors) before the write fails. */
  retries?: number;
  /** Bodies larger than this go up as a multipart upload in parts of this size (bytes, >= 5 MiB). */
  partSize?: number;
  /** Parts of one multipart upload sent at once. */
  queueSize?: number;
}

export interface S3StoreDefaults {
  readonly prefix: string;
  readonly forcePathStyle: boolean;
  readonly acl: S3Acl;
  readonly cacheControl: string;
  readonly tls: boolean;
  readonly allowInsecure: boolean;
  readonly tlsVerify: boolean;
  readonly retries: number;
  readonly partSize: number;
  readonly queueSize: number;
}

export const S3_STORE_DEFAULTS: S3StoreDefaults = Object.freeze({
  prefix: '',
  forcePathStyle: false,
  acl: 'private',
  // Scrapy's S3FilesStore.HEADERS: two days.
  cacheControl: 'max-age=172800',
  tls: true,
  allowInsecure: false,
  tlsVerify: true,
  retries: 3,
  partSize: 8 * 1024 * 1024,
  queueSize: 4,
});

/** S3's smallest part (except the last). */
export const MIN_PART_SIZE = 5 * 1024 * 1024;

const KNOWN: readonly string[] = Object.freeze([
  'bucket', 'prefix', 'region', 'credentials', 'endpoint', 'forcePathStyle', 'acl', 'cacheControl',
  'tls', 'allowInsecure', 'tlsVerify', 'retries', 'partSize', 'queueSize',
]);

export interface ResolvedS3Options extends S3StoreDefaults {
  readonly bucket: string;
  readonly region: string | undefined;
  readonly credentials: S3Credentials | undefined;
  readonly endpoint: URL | undefined;
}

function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return typeof value;
}

// Bucket names per S3's rules, loosely: what a URL host or path segment can carry unescaped.
const BUCKET = /^[a-z0-9][a-z0-9.\-_]{1,253}[a-z0-9]$/i;

/** Validates s3Store() options (unknown keys and bad values → ConfigError naming the key) and applies defaults. */
export function resolveS3Options(options: S3StoreOptions): ResolvedS3Options {
  if (typeof options !== 'object' || options === null) throw new ConfigError(`s3Store() needs an options object with at least { bucket }, got ${shown(options)}`);
  for (const key of Object.keys(options)) {
    if (!KNOWN.includes(key)) throw new ConfigError(`Unknown s3Store option ${JSON.stringify(key)}; known: ${KNOWN.join(', ')}`);
  }
  const fail = (key: string, expected: string, value: unknown): never => {
    throw new ConfigError(`s3Store option ${key} must be ${expected}, got ${key === 'credentials' ? typeof value : shown(value)}`);
  };
  const o = options as unknown as Record<string, unknown>;
  const bool = (key: keyof S3StoreDefaults & keyof S3StoreOptions): boolean => {
    const value = o[key] ?? S3_STORE_DEFAULTS[key];
    if (typeof value !== 'boolean') fail(key, 'a boolean', value);
    return value as boolean;
  };
  const int = (key: 'retries' | 'partSize' | 'queueSize', min: number): number => {
    const value = o[key] ?? S3_STORE_DEFAULTS[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) fail(key, `an integer >= ${min}`, value);
    return value as number;
  };
  const str = (key: 'prefix' | 'region' | 'cacheControl'): string | undefined => {
    const value = o[key];
    if (value !== undefined && typeof value !== 'string') fail(key, 'a string', value);
    return value as string | undefined;
  };

  if (typeof options.bucket !== 'string' || !BUCKET.test(options.bucket)) fail('bucket', 'a bucket name (3–255 letters, digits, ".", "-", "_")', options.bucket);
  const region = str('region');
  if (region === '') fail('region', 'a non-empty region name', region);
  const acl = options.acl ?? S3_STORE_DEFAULTS.acl;
  if (!S3_ACLS.includes(acl)) fail('acl', `one of ${S3_ACLS.join(', ')}`, acl);
  const credentials = options.credentials;
  if (credentials !== undefined && typeof credentials !== 'function') {
    const c = credentials as unknown as Record<string, unknown> | null;
    if (typeof c !== 'object' || c === null || typeof c['accessKeyId'] !== 'string' || typeof c['secretAccessKey'] !== 'string') {
      fail('credentials', '{ accessKeyId, secretAccessKey, sessionToken? } or a credentials provider function', credentials);
    }
  }

  const tls = bool('tls');
  const allowInsecure = bool('allowInsecure');
  let endpoint: URL | undefined;
  if (options.endpoint !== undefined) {
    if (typeof options.endpoint !== 'string') fail('endpoint', 'a URL string', options.endpoint);
    try {
      endpoint = new URL(options.endpoint);
    } catch {
      fail('endpoint', 'an absolute http(s) URL', options.endpoint);
    }
    if (endpoint!.protocol !== 'https:' && endpoint!.protocol !== 'http:') fail('endpoint', 'an http(s) URL', options.endpoint);
    if (endpoint!.username !== '' || endpoint!.password !== '') throw new ConfigError('s3Store option endpoint must not carry credentials; use the credentials option');
    if (endpoint!.protocol === 'http:' && o['tls'] === true) throw new ConfigError(`s3Store options conflict: tls is true but endpoint ${endpoint!.origin} is http://`);
  }
  // Advisory S15: signed requests over plaintext expose Authorization and X-Amz-Security-Token.
  const plaintext = endpoint !== undefined ? endpoint.protocol === 'http:' : !tls;
  if (plaintext && !allowInsecure) {
    throw new ConfigError(
      `s3Store would send signed requests over plaintext HTTP (${endpoint !== undefined ? `endpoint ${endpoint.origin}` : 'tls: false'}); ` +
        'set allowInsecure: true if that is really intended (e.g. a loopback test server), or use https',
    );
  }

  const partSize = int('partSize', MIN_PART_SIZE);
  return {
    bucket: options.bucket,
    prefix: str('prefix') ?? S3_STORE_DEFAULTS.prefix,
    region: region ?? (endpoint !== undefined ? 'us-east-1' : undefined),
    credentials,
    endpoint,
    forcePathStyle: bool('forcePathStyle'),
    acl,
    cacheControl: str('cacheControl') ?? S3_STORE_DEFAULTS.cacheControl,
    tls: !plaintext,
    allowInsecure,
    tlsVerify: bool('tlsVerify'),
    retries: int('retries', 0),
    partSize,
    queueSize: int('queueSize', 1),
  };
}

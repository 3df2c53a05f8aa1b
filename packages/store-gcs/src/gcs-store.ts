import { ConfigError, type Crawler, type FileStat, type FilesStore, type PersistMeta } from '@crawl/core';
import { IdempotencyStrategy, Storage, type Bucket, type SaveOptions, type StorageOptions } from '@google-cloud/storage';
import { contentTypeFor } from './content-type.js';
import { apiStatus, toGcsStoreError } from './gcs-error.js';
import { maskUri } from './mask-uri.js';
import { normalisePrefix, objectKey } from './object-key.js';
import { resolveGcsOptions, type GcsStoreOptions, type ResolvedGcsOptions } from './options.js';

/** A FilesStore on Google Cloud Storage, plus what only GCS offers. */
export interface GcsStore extends FilesStore {
  readonly scheme: 'gs';
  readonly bucketName: string;
  /** Normalised object name prefix ('' or 'a/b', no slashes at the ends). */
  readonly prefix: string;
  /** `gs://bucket/prefix` (plus the endpoint), for logs; never carries credentials. */
  readonly location: string;
  /** The client's Bucket the store writes to. */
  readonly bucket: Bucket;
  /** The object name a store path maps to (after the path confinement check). */
  objectName(path: string): string;
}

function storageOptions(o: ResolvedGcsOptions): StorageOptions {
  const options: StorageOptions = {
    retryOptions: {
      // maxRetries: 0 would read as "unset" (the client's default, 3), so 0 turns retrying off.
      autoRetry: o.retries > 0,
      maxRetries: o.retries,
      // Writing the same bytes to the same name twice is harmless, so uploads may be retried
      // without generation preconditions (the client's default retries only conditional writes).
      idempotencyStrategy: IdempotencyStrategy.RetryAlways,
    },
  };
  if (o.projectId !== undefined) options.projectId = o.projectId;
  if (o.credentials !== undefined) options.credentials = o.credentials;
  if (o.keyFilename !== undefined) options.keyFilename = o.keyFilename;
  if (o.apiEndpoint !== undefined) {
    options.apiEndpoint = o.apiEndpoint.href.replace(/\/$/, '');
    options.useAuthWithCustomEndpoint = o.useAuthWithCustomEndpoint;
  }
  return options;
}

/** GCS md5Hash (base64) → hex; undefined for composite objects, which have none. */
function md5Hex(md5Hash: unknown): string | undefined {
  if (typeof md5Hash !== 'string' || md5Hash === '') return undefined;
  const hex = Buffer.from(md5Hash, 'base64').toString('hex');
  return hex.length === 32 ? hex : undefined;
}

/**
 * Scrapy's GCSFilesStore: each store path is an object `prefix/path` in `bucket`, uploaded in one
 * request with its Content-Type, Cache-Control and, when set, a predefined ACL; `stat()` reads the
 * object metadata (updated time, md5Hash as hex, size). HTTPS only unless plaintext is explicitly
 * allowed (advisory S15).
 */
export function gcsStore(options: GcsStoreOptions): GcsStore {
  const o = resolveGcsOptions(options);
  const prefix = normalisePrefix(o.prefix, 'gcsStore');
  const bucket = new Storage(storageOptions(o)).bucket(o.bucket);
  const where = `gs://${o.bucket}${prefix === '' ? '' : `/${prefix}`}`;
  const location = o.apiEndpoint === undefined ? where : `${where} at ${maskUri(o.apiEndpoint)}`;

  return {
    name: '@crawl/store-gcs',
    scheme: 'gs',
    bucketName: o.bucket,
    prefix,
    location,
    bucket,
    objectName: (path: string) => objectKey(prefix, path),

    open(crawler: Crawler): void {
      crawler.logger.info(`Files store: ${location} (acl ${o.acl ?? 'bucket default'})`);
    },

    async persist(path: string, body: Uint8Array, meta?: PersistMeta): Promise<void> {
      if (!(body instanceof Uint8Array)) throw new ConfigError(`gcsStore.persist(${JSON.stringify(path)}): body must be a Uint8Array, got ${typeof body}`);
      const name = objectKey(prefix, path);
      const save: SaveOptions = { contentType: contentTypeFor(path, meta), resumable: false };
      if (o.acl !== undefined) save.predefinedAcl = o.acl;
      if (o.cacheControl !== '') save.metadata = { cacheControl: o.cacheControl };
      try {
        // A Buffer view, not a copy; the client validates the upload's CRC32C against the server's.
        await bucket.file(name).save(Buffer.from(body.buffer, body.byteOffset, body.byteLength), save);
      } catch (error) {
        throw toGcsStoreError(error, 'upload', o.bucket, name);
      }
    },

    async stat(path: string): Promise<FileStat | undefined> {
      const name = objectKey(prefix, path);
      let metadata;
      try {
        [metadata] = await bucket.file(name).getMetadata();
      } catch (error) {
        // A missing bucket is a 404 too; persist() will name it.
        if (apiStatus(error) === 404) return undefined;
        throw toGcsStoreError(error, 'getMetadata', o.bucket, name);
      }
      const updated = typeof metadata.updated === 'string' ? new Date(metadata.updated) : new Date(0);
      const stat: { lastModified: Date; checksum?: string; size?: number } = { lastModified: Number.isNaN(updated.getTime()) ? new Date(0) : updated };
      const checksum = md5Hex(metadata.md5Hash);
      if (checksum !== undefined) stat.checksum = checksum;
      const size = Number(metadata.size);
      if (metadata.size !== undefined && Number.isSafeInteger(size)) stat.size = size;
      return stat;
    },
  };
}

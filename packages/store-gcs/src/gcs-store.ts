import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConfigError, type Crawler, type FileStat, type FilesStore, type PersistMeta } from '@crawl/core';
import { IdempotencyStrategy, Storage, type Bucket, type CreateWriteStreamOptions, type StorageOptions } from '@google-cloud/storage';
import { contentTypeFor, maskUri, normalisePrefix, objectKey } from '@crawl/store-kit';
import { apiStatus, toGcsStoreError } from './gcs-error.js';
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
  /**
   * Uploads a body read from a stream without holding it whole (a resumable upload in
   * `streamChunkSize` chunks). The object appears only once every byte arrived: a source that
   * fails leaves no object, or the previous one, and the promise rejects with the source's error.
   */
  persistStream(path: string, source: Readable | AsyncIterable<Uint8Array>, meta?: PersistMeta): Promise<void>;
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

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

/** The source as a Node readable of bytes; anything else a generic iterable yields is the caller's mistake. */
function toReadable(path: string, source: Readable | AsyncIterable<Uint8Array>): Readable {
  if (source instanceof Readable) return source;
  return Readable.from(
    (async function* () {
      for await (const chunk of source as AsyncIterable<unknown>) {
        if (!(chunk instanceof Uint8Array)) throw new ConfigError(`gcsStore.persistStream(${JSON.stringify(path)}): the source yielded ${typeof chunk}, not a Uint8Array`);
        yield chunk;
      }
    })(),
    { objectMode: false },
  );
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

  /** What persist() and persistStream() send alike: Content-Type, the predefined ACL, Cache-Control. */
  const uploadOptions = (path: string, meta: PersistMeta | undefined, mode: Pick<CreateWriteStreamOptions, 'resumable' | 'chunkSize'>): CreateWriteStreamOptions => {
    const options: CreateWriteStreamOptions = { ...mode, contentType: contentTypeFor(path, meta) };
    if (o.acl !== undefined) options.predefinedAcl = o.acl;
    if (o.cacheControl !== '') options.metadata = { cacheControl: o.cacheControl };
    return options;
  };

  return {
    name: '@crawl/store-gcs',
    scheme: 'gs',
    bucketName: o.bucket,
    prefix,
    location,
    bucket,
    objectName: (path: string) => objectKey(prefix, path),

    open(crawler: Crawler): void {
      crawler.logger.child('@crawl/store-gcs').info(`Files store: ${location} (acl ${o.acl ?? 'bucket default'})`);
    },

    async persist(path: string, body: Uint8Array, meta?: PersistMeta): Promise<void> {
      if (!(body instanceof Uint8Array)) throw new ConfigError(`gcsStore.persist(${JSON.stringify(path)}): body must be a Uint8Array, got ${typeof body}`);
      const name = objectKey(prefix, path);
      try {
        // A Buffer view, not a copy; the client validates the upload's CRC32C against the server's.
        await bucket.file(name).save(Buffer.from(body.buffer, body.byteOffset, body.byteLength), uploadOptions(path, meta, { resumable: false }));
      } catch (error) {
        throw toGcsStoreError(error, 'upload', o.bucket, name);
      }
    },

    async persistStream(path: string, source: Readable | AsyncIterable<Uint8Array>, meta?: PersistMeta): Promise<void> {
      if (!isAsyncIterable(source)) throw new ConfigError(`gcsStore.persistStream(${JSON.stringify(path)}): source must be a Node readable or an AsyncIterable<Uint8Array>, got ${source === null ? 'null' : typeof source}`);
      const name = objectKey(prefix, path);
      const input = toReadable(path, source);
      // Chunked resumable upload, not the one-request multipart one persist() uses: when the source
      // fails mid-way, destroying the client's write stream does not end a multipart request (the
      // client keeps it open, half-sent, with its socket, until the server gives up), whereas a
      // chunk is sent only once it is complete in memory. Either way GCS creates the object only
      // when the upload is finalised, which a failed source never reaches; the unfinished session
      // expires on its own (GCS drops them after a week).
      const output = bucket.file(name).createWriteStream(uploadOptions(path, meta, { resumable: true, chunkSize: o.streamChunkSize }));
      // Whichever side fails first is the cause: pipeline() then destroys the other with the same error.
      let first: { side: 'source' | 'store'; error: unknown } | undefined;
      input.once('error', (error) => void (first ??= { side: 'source', error }));
      output.once('error', (error) => void (first ??= { side: 'store', error }));
      try {
        await pipeline(input, output);
      } catch (error) {
        if (first?.side === 'source') throw first.error;
        throw toGcsStoreError(first?.error ?? error, 'upload', o.bucket, name);
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

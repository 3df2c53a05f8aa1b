import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { HeadObjectCommand, PutObjectCommand, type PutObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ConfigError, type Crawler, type FileStat, type FilesStore, type PersistMeta } from '@crawl/core';
import { contentTypeFor, maskUri, normalisePrefix, objectKey } from '@crawl/store-kit';
import { resolveS3Options, type ResolvedS3Options, type S3StoreOptions } from './options.js';
import { createS3Client } from './s3-client.js';
import { sdkStatus, toS3StoreError } from './s3-error.js';

/** A FilesStore on S3, plus what only S3 offers. */
export interface S3Store extends FilesStore {
  readonly scheme: 's3';
  readonly bucket: string;
  /** Normalised key prefix ('' or 'a/b', no slashes at the ends). */
  readonly prefix: string;
  /** `s3://bucket/prefix` (plus the endpoint), for logs; never carries credentials. */
  readonly location: string;
  /** The SDK client the store uses; its idle keep-alive sockets never hold the process open. */
  readonly client: S3Client;
  /** The object key a store path maps to (after the path confinement check). */
  key(path: string): string;
  /** Streams a body of unknown length as a multipart upload, never holding it whole. */
  persistStream(path: string, source: Readable | AsyncIterable<Uint8Array>, meta?: PersistMeta): Promise<void>;
}

/** Metadata key holding the MD5 of multipart uploads, whose ETag is not one. */
const MD5_META = 'crawl-md5';
const PLAIN_MD5 = /^[0-9a-f]{32}$/;

/** ETag → MD5 hex when it is one: a single-part upload's (no '-N' part count), unquoted. */
function etagMd5(etag: string | undefined): string | undefined {
  if (etag === undefined) return undefined;
  const value = etag.replace(/^W\//, '').replace(/"/g, '').toLowerCase();
  return PLAIN_MD5.test(value) ? value : undefined;
}

function describeLocation(o: ResolvedS3Options, prefix: string): string {
  const where = `s3://${o.bucket}${prefix === '' ? '' : `/${prefix}`}`;
  return o.endpoint === undefined ? where : `${where} at ${maskUri(o.endpoint)}`;
}

/**
 * Scrapy's S3FilesStore: each store path is an object `prefix/path` in `bucket`, written with the
 * configured canned ACL and a Content-Type; `stat()` is a HEAD (last modified, ETag as MD5).
 * HTTPS only unless plaintext is explicitly allowed (advisory S15).
 */
export function s3Store(options: S3StoreOptions): S3Store {
  const o = resolveS3Options(options);
  const prefix = normalisePrefix(o.prefix, 's3Store');
  const client = createS3Client(o);
  const location = describeLocation(o, prefix);
  const { bucket } = o;

  const input = (key: string, path: string, meta: PersistMeta | undefined): PutObjectCommandInput => {
    const params: PutObjectCommandInput = { Bucket: bucket, Key: key, ACL: o.acl, ContentType: contentTypeFor(path, meta) };
    if (o.cacheControl !== '') params.CacheControl = o.cacheControl;
    return params;
  };

  const upload = async (params: PutObjectCommandInput, operation: string): Promise<void> => {
    const job = new Upload({ client, params, partSize: o.partSize, queueSize: o.queueSize, leavePartsOnError: false });
    try {
      await job.done();
    } catch (error) {
      throw toS3StoreError(error, operation, bucket, params.Key!);
    }
  };

  return {
    name: '@crawl/store-s3',
    scheme: 's3',
    bucket,
    prefix,
    location,
    client,
    key: (path: string) => objectKey(prefix, path),

    open(crawler: Crawler): void {
      crawler.logger.child('@crawl/store-s3').info(`Files store: ${location} (acl ${o.acl})`);
    },

    async persist(path: string, body: Uint8Array, meta?: PersistMeta): Promise<void> {
      if (!(body instanceof Uint8Array)) throw new ConfigError(`s3Store.persist(${JSON.stringify(path)}): body must be a Uint8Array, got ${typeof body}`);
      const key = objectKey(prefix, path);
      // A Buffer view, not a copy: lib-storage slices parts with subarray().
      const view = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
      const params = { ...input(key, path, meta), Body: view };
      if (body.byteLength > o.partSize) {
        params.Metadata = { [MD5_META]: createHash('md5').update(view).digest('hex') };
        return upload(params, 'multipart Upload');
      }
      try {
        await client.send(new PutObjectCommand(params));
      } catch (error) {
        throw toS3StoreError(error, 'PutObject', bucket, key);
      }
    },

    async persistStream(path, source, meta): Promise<void> {
      const key = objectKey(prefix, path);
      return upload({ ...input(key, path, meta), Body: source as Readable }, 'multipart Upload');
    },

    async stat(path: string): Promise<FileStat | undefined> {
      const key = objectKey(prefix, path);
      let head;
      try {
        head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      } catch (error) {
        // HEAD has no body, so a missing bucket is a 404 too; persist() will name it.
        if (sdkStatus(error) === 404) return undefined;
        throw toS3StoreError(error, 'HeadObject', bucket, key);
      }
      const checksum = etagMd5(head.ETag) ?? head.Metadata?.[MD5_META];
      const stat: { lastModified: Date; checksum?: string; size?: number } = { lastModified: head.LastModified ?? new Date(0) };
      if (checksum !== undefined && PLAIN_MD5.test(checksum)) stat.checksum = checksum;
      if (head.ContentLength !== undefined) stat.size = head.ContentLength;
      return stat;
    },
  };
}

import { createHash, randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { ConfigError } from '@crawl/core';
import { startGcsServer, type GcsTestServer } from '@crawl/test-servers';
import { testFilesStore } from '@crawl/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFilesStore, gcsOptionsFromUri, gcsStore, GcsStoreError, GCS_STORE_DEFAULTS, type GcsStore, type GcsStoreOptions } from '../src/index.js';

const md5 = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');

let gcs: GcsTestServer;

function store(options: Partial<GcsStoreOptions> = {}): GcsStore {
  return gcsStore({ bucket: 'media', projectId: 'test-project', apiEndpoint: gcs.url, allowInsecure: true, retries: 0, ...options });
}

async function read(s: GcsStore, path: string): Promise<Uint8Array | undefined> {
  const file = s.bucket.file(s.objectName(path));
  const [exists] = await file.exists();
  if (!exists) return undefined;
  const [data] = await file.download();
  return data;
}

const uploadsOf = (name: string) => gcs.requests.filter((r) => r.method === 'POST' && new URL(r.url, gcs.url).searchParams.get('name') === name);
/** The PUTs of a resumable upload (the session URI names the object). */
const chunksOf = (name: string) => gcs.requests.filter((r) => r.method === 'PUT' && new URL(r.url, gcs.url).searchParams.get('name') === name);

/** A body produced chunk by chunk (odd sizes, random bytes), remembering what it yielded. */
function produced(totalBytes: number, options: { failAfter?: number; error?: Error; beforeFailing?: () => Promise<void>; onProgress?: (sent: number) => void } = {}) {
  const sent: Buffer[] = [];
  async function* body(): AsyncGenerator<Uint8Array> {
    let bytes = 0;
    for (let i = 0; bytes < totalBytes; i++) {
      if (options.failAfter !== undefined && bytes >= options.failAfter) {
        await options.beforeFailing?.();
        throw options.error ?? new Error('source failed');
      }
      const chunk = randomBytes(Math.min(totalBytes - bytes, 40_000 + ((i * 7919) % 50_000)));
      sent.push(chunk);
      bytes += chunk.length;
      options.onProgress?.(bytes);
      // A plain Uint8Array, as a generic AsyncIterable<Uint8Array> may yield.
      yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
    }
  }
  return { body, sent: () => Buffer.concat(sent) };
}

/** Polls `condition` every 10 ms, at most `limit` times. */
async function until(condition: () => boolean, limit = 500): Promise<void> {
  for (let i = 0; i < limit && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error('condition not met in time');
}

beforeAll(async () => {
  gcs = await startGcsServer({ buckets: ['media'] });
});

afterAll(async () => {
  await gcs.close();
});

describe('against the GCS JSON API test server', () => {
  const shared = (): GcsStore => store({ prefix: 'suite' });
  testFilesStore('gcs', shared, { checksumIsMd5: true, read: (path) => read(shared(), path) });
});

describe('gcsStore', () => {
  it('uploads in one multipart request with the Content-Type, Cache-Control and no ACL by default', async () => {
    const s = store({ prefix: '/images/' });
    const body = new TextEncoder().encode('png bytes');
    await s.persist('full/abc.png', body);
    const [upload] = uploadsOf('images/full/abc.png');
    expect(upload).toBeDefined();
    const query = new URL(upload!.url, gcs.url).searchParams;
    expect(query.get('uploadType')).toBe('multipart');
    expect(query.has('predefinedAcl')).toBe(false);
    const object = gcs.objects.get('media/images/full/abc.png')!;
    expect(object.contentType).toBe('image/png');
    expect(object.metadata['cacheControl']).toBe('max-age=172800');
    expect(object.predefinedAcl).toBeUndefined();
    // No OAuth token goes to a custom endpoint unless asked for.
    expect(upload!.headers.authorization).toBeUndefined();
    expect(await s.stat('full/abc.png')).toMatchObject({ checksum: md5(body), size: body.byteLength });
  });

  it('sends the predefined ACL, visible in the object ACL', async () => {
    const s = store({ acl: 'publicRead' });
    await s.persist('pub/a.jpg', new Uint8Array([1, 2, 3]), { contentType: 'image/jpeg' });
    expect(gcs.objects.get('media/pub/a.jpg')).toMatchObject({ predefinedAcl: 'publicRead', contentType: 'image/jpeg' });
    const [acl] = await s.bucket.file('pub/a.jpg').acl.get();
    expect(acl).toEqual(expect.arrayContaining([expect.objectContaining({ entity: 'allUsers', role: 'READER' })]));
  });

  it('refuses paths that would leave the prefix, before any request', async () => {
    const s = store({ prefix: 'p' });
    const before = gcs.requests.length;
    await expect(s.persist('../escape.txt', new Uint8Array(1))).rejects.toBeInstanceOf(ConfigError);
    await expect(s.persist('C:\\x.txt', new Uint8Array(1))).rejects.toBeInstanceOf(ConfigError);
    await expect(s.stat('/etc/passwd')).rejects.toBeInstanceOf(ConfigError);
    expect(gcs.requests.length).toBe(before);
  });

  it('names bucket and object when the bucket is missing', async () => {
    const s = store({ bucket: 'no-such-bucket' });
    expect(await s.stat('x/y.jpg')).toBeUndefined();
    const error = await s.persist('x/y.jpg', new Uint8Array([1])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GcsStoreError);
    expect(error).toMatchObject({ bucket: 'no-such-bucket', object: 'x/y.jpg', status: 404 });
    expect((error as Error).message).toContain('gs://no-such-bucket/x/y.jpg');
  });

  it('reports refused credentials as a GcsStoreError', async () => {
    const guarded = await startGcsServer({ buckets: ['media'], bearerToken: 'the-right-token' });
    try {
      const s = gcsStore({ bucket: 'media', projectId: 'p', apiEndpoint: guarded.url, allowInsecure: true, retries: 0 });
      const error = await s.persist('x.txt', new Uint8Array([1])).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GcsStoreError);
      expect(error).toMatchObject({ status: 401 });
      expect((error as Error).message).toMatch(/credentials were refused/);
      await expect(s.stat('x.txt')).rejects.toBeInstanceOf(GcsStoreError);
    } finally {
      await guarded.close();
    }
  });

  it('retries transient 503s a bounded number of times', async () => {
    const ok = store({ retries: 2 });
    gcs.failNext(2, 503);
    await ok.persist('retry/ok.txt', new TextEncoder().encode('eventually'));
    expect(uploadsOf('retry/ok.txt')).toHaveLength(3);
    expect(new TextDecoder().decode(await read(ok, 'retry/ok.txt'))).toBe('eventually');

    const bad = store({ retries: 1 });
    gcs.failNext(100, 503);
    try {
      const error = await bad.persist('retry/never.txt', new Uint8Array([1])).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GcsStoreError);
      expect(error).toMatchObject({ status: 503 });
      expect(uploadsOf('retry/never.txt')).toHaveLength(2);
    } finally {
      gcs.failNext(0);
    }
  });
});

describe('persistStream', () => {
  const KiB256 = 256 * 1024;

  it('streams a multi-MiB body chunk by chunk and stores it byte-exact, with the same metadata as persist()', async () => {
    const s = store({ prefix: 'streamed', acl: 'publicRead', streamChunkSize: KiB256 });
    const { body, sent } = produced(3 * 1024 * 1024 + 12_345);
    await s.persistStream('videos/clip.mp4', body());
    const data = sent();
    expect(await s.stat('videos/clip.mp4')).toMatchObject({ checksum: md5(data), size: data.length });
    expect(Buffer.from((await read(s, 'videos/clip.mp4'))!).equals(data)).toBe(true);
    const object = gcs.objects.get('media/streamed/videos/clip.mp4')!;
    expect(object).toMatchObject({ contentType: 'video/mp4', predefinedAcl: 'publicRead' });
    expect(object.metadata['cacheControl']).toBe('max-age=172800');
    // One session, then one PUT per 256 KiB chunk: never more than a chunk in one request.
    const puts = chunksOf('streamed/videos/clip.mp4');
    expect(puts).toHaveLength(Math.ceil(data.length / KiB256));
    expect(puts.every((r) => r.body.length <= KiB256)).toBe(true);
    expect(gcs.openSessions.size).toBe(0);
  });

  it('takes a Node readable and meta.contentType too, and stores an empty stream as an empty object', async () => {
    const s = store({ prefix: 'readable' });
    const source = new PassThrough();
    source.end(Buffer.from('{"a":1}\n'));
    await s.persistStream('feed.data', source, { contentType: 'application/jsonl' });
    expect(gcs.objects.get('media/readable/feed.data')).toMatchObject({ contentType: 'application/jsonl' });
    expect(new TextDecoder().decode(await read(s, 'feed.data'))).toBe('{"a":1}\n');

    await s.persistStream('empty.txt', (async function* () {})());
    expect(await s.stat('empty.txt')).toMatchObject({ size: 0, checksum: md5(new Uint8Array(0)) });
  });

  it('rejects with the error of a source that fails half-way, leaves no object and no request hanging', async () => {
    const s = store({ prefix: 'broken', streamChunkSize: KiB256 });
    const name = 'broken/big.bin';
    const error = new Error('download timed out');
    const { body } = produced(4 * 1024 * 1024, {
      failAfter: 1024 * 1024 + 1000,
      error,
      // Fail only once the chunks so far have reached the server: the failure is really half-way.
      beforeFailing: () => until(() => chunksOf(name).length >= 4 && gcs.inFlight() === 0),
    });
    await expect(s.persistStream('big.bin', body())).rejects.toBe(error);
    expect(await s.stat('big.bin')).toBeUndefined();
    expect(gcs.objects.has(`media/${name}`)).toBe(false);
    // The partial upload stays an unfinished session (GCS expires those), and no upload request
    // is left open half-sent: the client only ever sends complete chunks.
    const session = [...gcs.openSessions.values()].find((x) => x.name === name);
    expect(session?.received).toBe(4 * KiB256);
    expect(gcs.inFlight()).toBe(0);
  });

  it('keeps the previous object when a streamed overwrite fails', async () => {
    const s = store({ prefix: 'keep', streamChunkSize: KiB256 });
    const before = randomBytes(100_000);
    await s.persist('photo.jpg', before);
    const { body } = produced(2 * 1024 * 1024, { failAfter: 700_000, beforeFailing: () => until(() => chunksOf('keep/photo.jpg').length >= 2) });
    await expect(s.persistStream('photo.jpg', body())).rejects.toThrow('source failed');
    expect(await s.stat('photo.jpg')).toMatchObject({ checksum: md5(before), size: before.length });
    expect(Buffer.from((await read(s, 'photo.jpg'))!).equals(before)).toBe(true);
  });

  it('resends a chunk GCS answered with a 503, resuming where the server says it is', async () => {
    const s = store({ prefix: 'resume', retries: 2, streamChunkSize: KiB256 });
    let armed = false;
    const { body, sent } = produced(1024 * 1024 + 777, {
      onProgress: (bytes) => {
        if (!armed && bytes > 2 * KiB256) {
          armed = true;
          gcs.failNext(1, 503);
        }
      },
    });
    try {
      await s.persistStream('r.bin', body());
    } finally {
      gcs.failNext(0);
    }
    expect(await s.stat('r.bin')).toMatchObject({ checksum: md5(sent()), size: sent().length });
    // The client asked for the upload status ("bytes */*") before resending.
    expect(chunksOf('resume/r.bin').some((r) => r.headers['content-range'] === 'bytes */*')).toBe(true);
  });

  it('fails with a GcsStoreError naming bucket and object, and destroys a source still being read', async () => {
    const s = store({ bucket: 'no-such-bucket', streamChunkSize: KiB256 });
    const source = new PassThrough();
    // The source never ends: the store's failure, not the source, must settle the promise.
    source.write(randomBytes(300_000));
    const error = await s.persistStream('x/y.bin', source).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GcsStoreError);
    expect(error).toMatchObject({ operation: 'upload', bucket: 'no-such-bucket', object: 'x/y.bin', status: 404 });
    expect((error as Error).message).toContain('gs://no-such-bucket/x/y.bin failed: The specified bucket does not exist.');
    expect(source.destroyed).toBe(true);
  });

  it('refuses bad sources and paths with a ConfigError, before any request', async () => {
    const s = store();
    const before = gcs.requests.length;
    await expect(s.persistStream('a.bin', 'bytes' as never)).rejects.toThrow(/source must be a Node readable or an AsyncIterable<Uint8Array>, got string/);
    await expect(s.persistStream('../a.bin', (async function* () {})())).rejects.toBeInstanceOf(ConfigError);
    expect(gcs.requests.length).toBe(before);
    const strings = (async function* () {
      yield 'text' as unknown as Uint8Array;
    })();
    await expect(s.persistStream('s.txt', strings)).rejects.toThrow(/yielded string, not a Uint8Array/);
    expect(await s.stat('s.txt')).toBeUndefined();
  });
});

describe('options and URIs', () => {
  it('rejects unknown keys, bad values and plaintext endpoints without allowInsecure (advisory S15)', () => {
    expect(GCS_STORE_DEFAULTS.allowInsecure).toBe(false);
    expect(() => gcsStore({ bucket: 'media', acll: 'x' } as never)).toThrow(/Unknown gcsStore option "acll"/);
    expect(() => gcsStore({ bucket: 'media', acl: 'public-read' as never })).toThrow(/acl must be one of/);
    expect(() => gcsStore({ bucket: 'Bad Bucket' })).toThrow(/bucket/);
    expect(() => gcsStore({ bucket: 'media', retries: 1.5 })).toThrow(/retries/);
    expect(() => gcsStore({ bucket: 'media', streamChunkSize: 1_000_000 })).toThrow(/streamChunkSize must be a positive multiple of 262144/);
    expect(GCS_STORE_DEFAULTS.streamChunkSize).toBe(8 * 1024 * 1024);
    expect(() => gcsStore({ bucket: 'media', apiEndpoint: 'http://127.0.0.1:1' })).toThrow(/allowInsecure/);
    expect(() => gcsStore({ bucket: 'media', credentials: { client_email: 'a', private_key: 'k' }, keyFilename: 'k.json' })).toThrow(/exclusive/);
    expect(() => gcsStore({ bucket: 'media', prefix: '../x' })).toThrow(ConfigError);
  });

  it('talks https to Google by default', () => {
    const s = gcsStore({ bucket: 'media', projectId: 'p', credentials: { client_email: 'a@b.iam.gserviceaccount.com', private_key: 'not-used' } });
    expect(s.bucket.storage.apiEndpoint).toMatch(/^https:\/\//);
    expect(s.location).toBe('gs://media');
  });

  it('reads bucket, prefix and options from a gs:// URI', () => {
    expect(gcsOptionsFromUri('gs://media/images/?projectId=p1&acl=publicRead&apiEndpoint=https%3A%2F%2Fgcs.test%3A4443&retries=2&streamChunkSize=524288')).toEqual({
      bucket: 'media',
      prefix: '/images/',
      projectId: 'p1',
      acl: 'publicRead',
      apiEndpoint: 'https://gcs.test:4443',
      retries: 2,
      streamChunkSize: 524288,
    });
    const s = createFilesStore(new URL('gs://media/images/'), { projectId: 'p' });
    expect(s).toMatchObject({ scheme: 'gs', bucketName: 'media', prefix: 'images', location: 'gs://media/images' });
  });

  it('rejects credentials, unknown parameters and ports in URIs without echoing secrets', () => {
    const error = (() => {
      try {
        gcsOptionsFromUri('gs://user:hunter2@media/x');
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).not.toContain('hunter2');
    expect(() => gcsOptionsFromUri('gs://media/x?project=p')).toThrow(/Unknown GCS store URI parameter "project"/);
    expect(() => gcsOptionsFromUri('gs://media:4443/x')).toThrow(/apiEndpoint/);
    expect(() => gcsOptionsFromUri('gs:///x')).toThrow(/bucket/);
  });
});

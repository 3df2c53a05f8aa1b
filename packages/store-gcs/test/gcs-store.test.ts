import { createHash } from 'node:crypto';
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

describe('options and URIs', () => {
  it('rejects unknown keys, bad values and plaintext endpoints without allowInsecure (advisory S15)', () => {
    expect(GCS_STORE_DEFAULTS.allowInsecure).toBe(false);
    expect(() => gcsStore({ bucket: 'media', acll: 'x' } as never)).toThrow(/Unknown gcsStore option "acll"/);
    expect(() => gcsStore({ bucket: 'media', acl: 'public-read' as never })).toThrow(/acl must be one of/);
    expect(() => gcsStore({ bucket: 'Bad Bucket' })).toThrow(/bucket/);
    expect(() => gcsStore({ bucket: 'media', retries: 1.5 })).toThrow(/retries/);
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
    expect(gcsOptionsFromUri('gs://media/images/?projectId=p1&acl=publicRead&apiEndpoint=https%3A%2F%2Fgcs.test%3A4443&retries=2')).toEqual({
      bucket: 'media',
      prefix: '/images/',
      projectId: 'p1',
      acl: 'publicRead',
      apiEndpoint: 'https://gcs.test:4443',
      retries: 2,
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

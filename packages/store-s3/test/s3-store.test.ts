import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { ConfigError } from '@crawl/core';
import { testFilesStore } from '@crawl/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFilesStore, maskUri, s3OptionsFromUri, s3Store, S3StoreError, S3_STORE_DEFAULTS, type S3Store, type S3StoreOptions } from '../src/index.js';
import { startFlakyProxy } from './flaky-proxy.js';
import { startS3Server, TEST_KEY_ID, TEST_SECRET, type S3TestServer } from './s3-server.js';

const md5 = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');
const credentials = { accessKeyId: TEST_KEY_ID, secretAccessKey: TEST_SECRET };

let s3: S3TestServer;
const opened: S3Store[] = [];

function store(options: Partial<S3StoreOptions> = {}): S3Store {
  const s = s3Store({ bucket: 'media', endpoint: s3.endpoint, forcePathStyle: true, allowInsecure: true, credentials, retries: 0, ...options });
  opened.push(s);
  return s;
}

async function read(s: S3Store, path: string): Promise<Uint8Array | undefined> {
  try {
    const out = await s.client.send(new GetObjectCommand({ Bucket: s.bucket, Key: s.key(path) }));
    return await out.Body!.transformToByteArray();
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
    throw error;
  }
}

function putsTo(key: string) {
  return s3.requests.filter((r) => r.method === 'PUT' && r.url.split('?')[0] === `/media/${key}`);
}

beforeAll(async () => {
  s3 = await startS3Server(['media']);
});

afterAll(async () => {
  for (const s of opened) s.client.destroy();
  await s3.close();
});

describe('against s3rver', () => {
  const shared = (): S3Store => store({ prefix: 'suite' });
  testFilesStore('s3', shared, { checksumIsMd5: true, read: (path) => read(shared(), path) });
});

describe('s3Store', () => {
  it('writes under the prefix with the ACL, a Content-Type from the extension and Cache-Control', async () => {
    const s = store({ prefix: '/images/', acl: 'public-read' });
    const body = new TextEncoder().encode('png bytes');
    await s.persist('full/abc.png', body);
    const [put] = putsTo('images/full/abc.png');
    expect(put).toBeDefined();
    expect(put!.headers['x-amz-acl']).toBe('public-read');
    expect(put!.headers['content-type']).toBe('image/png');
    expect(put!.headers['cache-control']).toBe('max-age=172800');
    const stat = await s.stat('full/abc.png');
    expect(stat).toMatchObject({ checksum: md5(body), size: body.byteLength });
  });

  it('defaults to the private ACL and lets the caller set the Content-Type', async () => {
    const s = store();
    await s.persist('a/report', new Uint8Array([1, 2, 3]), { contentType: 'application/pdf' });
    const [put] = putsTo('a/report');
    expect(put!.headers['x-amz-acl']).toBe('private');
    expect(put!.headers['content-type']).toBe('application/pdf');
  });

  it('falls back to application/octet-stream for an unknown extension', async () => {
    const s = store();
    await s.persist('a/blob.unknownext', new Uint8Array([1]));
    expect(putsTo('a/blob.unknownext')[0]!.headers['content-type']).toBe('application/octet-stream');
  });

  it('uploads a large body as a multipart upload and still reports its MD5', async () => {
    const s = store({ partSize: 5 * 1024 * 1024 });
    const body = new Uint8Array(11 * 1024 * 1024 + 123).map((_, i) => (i * 7) % 251);
    await s.persist('big/file.bin', body);
    const parts = s3.requests.filter((r) => r.method === 'PUT' && r.url.startsWith('/media/big/file.bin?') && r.url.includes('partNumber='));
    expect(parts).toHaveLength(3);
    expect(s3.requests.some((r) => r.method === 'POST' && r.url.startsWith('/media/big/file.bin?uploads'))).toBe(true);
    const stat = await s.stat('big/file.bin');
    expect(stat).toMatchObject({ checksum: md5(body), size: body.byteLength });
    expect(Buffer.from((await read(s, 'big/file.bin'))!).equals(Buffer.from(body))).toBe(true);
  });

  it('streams a body of unknown length with persistStream', async () => {
    const s = store();
    const chunks = [Buffer.from('line 1\n'), Buffer.from('line 2\n')];
    await s.persistStream('feeds/items.jsonl', Readable.from(chunks));
    expect(new TextDecoder().decode(await read(s, 'feeds/items.jsonl'))).toBe('line 1\nline 2\n');
    expect(s3.requests.find((r) => r.method === 'PUT' && r.url.startsWith('/media/feeds/items.jsonl'))!.headers['content-type']).toMatch(/jsonl|octet-stream/);
  });

  it('refuses paths that would leave the prefix, before any request', async () => {
    const s = store({ prefix: 'p' });
    const before = s3.requests.length;
    await expect(s.persist('../escape.txt', new Uint8Array(1))).rejects.toBeInstanceOf(ConfigError);
    await expect(s.persist('/abs.txt', new Uint8Array(1))).rejects.toBeInstanceOf(ConfigError);
    await expect(s.stat('a/../../b')).rejects.toBeInstanceOf(ConfigError);
    expect(s3.requests.length).toBe(before);
  });

  it('names bucket and key when the bucket is missing', async () => {
    const s = store({ bucket: 'no-such-bucket' });
    expect(await s.stat('x/y.jpg')).toBeUndefined();
    const error = await s.persist('x/y.jpg', new Uint8Array([1])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3StoreError);
    expect(error).toMatchObject({ bucket: 'no-such-bucket', key: 'x/y.jpg', status: 404, s3Code: 'NoSuchBucket' });
    expect((error as Error).message).toContain('s3://no-such-bucket/x/y.jpg');
  });

  it('reports refused credentials without the secret', async () => {
    // s3rver checks access key ids but not SigV4 signatures, so the refusal comes from an unknown key.
    const secret = 'wrong-secret-do-not-log-91b2';
    const s = store({ credentials: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: secret } });
    const error = (await s.persist('x/y.jpg', new Uint8Array([1])).catch((e: unknown) => e)) as S3StoreError;
    expect(error).toBeInstanceOf(S3StoreError);
    expect(error.status).toBe(403);
    expect(error.s3Code).toBe('InvalidAccessKeyId');
    expect(error.message).toMatch(/access key id is unknown/);
    expect(error.message).toContain('media');
    expect(error.message).not.toContain(secret);
    // stat surfaces a 403 too, rather than pretending the file is missing.
    await expect(s.stat('x/y.jpg')).rejects.toBeInstanceOf(S3StoreError);
  });

  it('retries transient 503s a bounded number of times', async () => {
    const isPut = (req: { method?: string | undefined }): boolean => req.method === 'PUT';
    const recovering = await startFlakyProxy(s3.endpoint, 2, isPut);
    const failing = await startFlakyProxy(s3.endpoint, 100, isPut);
    try {
      const ok = store({ endpoint: recovering.endpoint, retries: 2 });
      await ok.persist('retry/ok.txt', new TextEncoder().encode('eventually'));
      expect(recovering.attempts.filter((a) => a.startsWith('PUT '))).toHaveLength(3);
      expect(new TextDecoder().decode(await read(store(), 'retry/ok.txt'))).toBe('eventually');

      const bad = store({ endpoint: failing.endpoint, retries: 1 });
      const error = await bad.persist('retry/never.txt', new Uint8Array([1])).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(S3StoreError);
      expect(error).toMatchObject({ status: 503 });
      expect(failing.attempts.filter((a) => a.startsWith('PUT '))).toHaveLength(2);
    } finally {
      await recovering.close();
      await failing.close();
    }
  });
});

describe('transport security (advisory S15)', () => {
  it('speaks TLS to an endpoint by default, never plaintext HTTP', async () => {
    const firstBytes: Buffer[] = [];
    const tcp = createServer((socket) => {
      socket.once('data', (chunk) => {
        firstBytes.push(chunk);
        socket.destroy();
      });
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const port = (tcp.address() as { port: number }).port;
    try {
      const s = s3Store({ bucket: 'media', endpoint: `https://127.0.0.1:${port}`, forcePathStyle: true, credentials, retries: 0 });
      opened.push(s);
      await expect(s.persist('a.txt', new Uint8Array([1]))).rejects.toBeInstanceOf(S3StoreError);
      expect(firstBytes.length).toBeGreaterThan(0);
      // 0x16: a TLS handshake record; a plaintext request would start with "PUT ".
      expect(firstBytes[0]![0]).toBe(0x16);
      expect(firstBytes[0]!.toString('latin1')).not.toContain(TEST_KEY_ID);
    } finally {
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    }
  });

  it('uses https with no endpoint, and refuses plaintext unless allowInsecure', async () => {
    expect(S3_STORE_DEFAULTS.tls).toBe(true);
    const s = s3Store({ bucket: 'media', region: 'eu-west-1', credentials });
    opened.push(s);
    expect(s.client.config.tls).toBe(true);
    expect(() => s3Store({ bucket: 'media', endpoint: 'http://127.0.0.1:9000' })).toThrow(/allowInsecure/);
    expect(() => s3Store({ bucket: 'media', tls: false })).toThrow(/allowInsecure/);
    expect(() => s3Store({ bucket: 'media', endpoint: 'http://127.0.0.1:9000', tls: true, allowInsecure: true })).toThrow(ConfigError);
  });
});

describe('options', () => {
  it('rejects unknown keys and bad values with ConfigError naming the key', () => {
    expect(() => s3Store({ bucket: 'media', acll: 'private' } as never)).toThrow(/Unknown s3Store option "acll"/);
    expect(() => s3Store({ bucket: 'media', acl: 'public' as never })).toThrow(/acl must be one of/);
    expect(() => s3Store({ bucket: '' })).toThrow(/bucket/);
    expect(() => s3Store({ bucket: 'media', retries: -1 })).toThrow(/retries/);
    expect(() => s3Store({ bucket: 'media', partSize: 1024 })).toThrow(/partSize/);
    expect(() => s3Store({ bucket: 'media', endpoint: 'ftp://x' })).toThrow(/endpoint/);
    expect(() => s3Store({ bucket: 'media', credentials: { accessKeyId: 'a' } as never })).toThrow(/credentials/);
    expect(() => s3Store({ bucket: 'media', prefix: 'a/../b' })).toThrow(ConfigError);
  });

  it('does not echo credentials in option errors', () => {
    const error = (() => {
      try {
        s3Store({ bucket: 'media', credentials: 'AKID:supersecret' as never });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).not.toContain('supersecret');
  });
});

describe('s3:// URIs', () => {
  it('reads bucket, prefix and options from the URI', () => {
    const options = s3OptionsFromUri('s3://media/images/full?region=eu-west-1&endpoint=https%3A%2F%2Fminio.test%3A9000&forcePathStyle=true&acl=public-read&retries=5');
    expect(options).toEqual({
      bucket: 'media',
      prefix: '/images/full',
      region: 'eu-west-1',
      endpoint: 'https://minio.test:9000',
      forcePathStyle: true,
      acl: 'public-read',
      retries: 5,
    });
    const s = createFilesStore(new URL('s3://media/images/?region=eu-west-1'));
    opened.push(s);
    expect(s).toMatchObject({ scheme: 's3', bucket: 'media', prefix: 'images', location: 's3://media/images' });
  });

  it('takes credentials from the URI and masks them', () => {
    const uri = `s3://${TEST_KEY_ID}:${encodeURIComponent(TEST_SECRET)}@media/x`;
    expect(s3OptionsFromUri(uri).credentials).toEqual({ accessKeyId: TEST_KEY_ID, secretAccessKey: TEST_SECRET });
    expect(maskUri(uri)).toBe(`s3://${TEST_KEY_ID}:***@media/x`);
  });

  it('rejects unknown parameters, ports and bad values, never echoing the secret', () => {
    expect(() => s3OptionsFromUri('s3://media/x?regoin=eu')).toThrow(/Unknown S3 store URI parameter "regoin"/);
    expect(() => s3OptionsFromUri('s3://media:9000/x')).toThrow(/endpoint/);
    expect(() => s3OptionsFromUri('s3://media/x?forcePathStyle=yes')).toThrow(/true or false/);
    expect(() => s3OptionsFromUri('s3:///x')).toThrow(/bucket/);
    const error = (() => {
      try {
        s3OptionsFromUri('s3://AKID:topsecret@media/x?bogus=1');
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error!.message).not.toContain('topsecret');
    expect(() => createFilesStore(new URL('s3://media/x?endpoint=http%3A%2F%2F127.0.0.1%3A9000'))).toThrow(/allowInsecure/);
  });
});

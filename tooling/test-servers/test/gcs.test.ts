import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { crc32cBase64, startGcsServer, type GcsTestServer } from '../src/index.js';

let server: GcsTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function multipart(metadata: object, data: Buffer, type: string): { body: Buffer; contentType: string } {
  const boundary = 'b0undary';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(metadata)}\r\n--${boundary}\r\nContent-Type: ${type}\r\n\r\n`),
    data,
    Buffer.from(`\r\n--${boundary}--`),
  ]);
  return { body, contentType: `multipart/related; boundary=${boundary}` };
}

/** Sends the headers and only part of a body that claims `declared` bytes, then drops the connection. */
async function cutOff(url: string, method: string, headers: Record<string, string>, partial: Buffer, declared: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const req = request(url, { method, headers: { ...headers, 'content-length': String(declared) } });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.write(partial, () => req.destroy());
  });
}

/** Polls until the server has seen `count` requests and finished with every one (bounded). */
async function settled(s: GcsTestServer, count: number): Promise<void> {
  for (let i = 0; i < 200 && (s.requests.length < count || s.inFlight() > 0); i++) await new Promise((r) => setTimeout(r, 10));
  expect(s.requests.length).toBe(count);
  expect(s.inFlight()).toBe(0);
}

const md5b64 = (data: Buffer): string => createHash('md5').update(data).digest('base64');

describe('startGcsServer', () => {
  it('computes CRC32C like GCS (RFC 3720 check value)', () => {
    // CRC32C("123456789") = 0xE3069283.
    expect(Buffer.from(crc32cBase64(Buffer.from('123456789')), 'base64').toString('hex')).toBe('e3069283');
  });

  it('stores a multipart upload with its ACL and serves metadata, media and ACL', async () => {
    server = await startGcsServer({ buckets: ['b'] });
    const data = Buffer.from('\r\n--not-a-boundary\r\nbinary');
    const { body, contentType } = multipart({ name: 'dir/a.txt', contentType: 'text/plain', cacheControl: 'no-cache' }, data, 'text/plain');
    const up = await fetch(`${server.url}/upload/storage/v1/b/b/o?uploadType=multipart&predefinedAcl=publicRead`, { method: 'POST', body, headers: { 'content-type': contentType } });
    expect(up.status).toBe(200);
    const created = (await up.json()) as Record<string, unknown>;
    expect(created).toMatchObject({ name: 'dir/a.txt', bucket: 'b', size: String(data.length), contentType: 'text/plain', cacheControl: 'no-cache', md5Hash: createHash('md5').update(data).digest('base64') });
    expect(server.objects.get('b/dir/a.txt')).toMatchObject({ predefinedAcl: 'publicRead' });

    const meta = await fetch(`${server.url}/storage/v1/b/b/o/${encodeURIComponent('dir/a.txt')}`);
    expect(await meta.json()).toMatchObject({ name: 'dir/a.txt', crc32c: crc32cBase64(data) });
    const media = await fetch(`${server.url}/storage/v1/b/b/o/${encodeURIComponent('dir/a.txt')}?alt=media`);
    expect(Buffer.from(await media.arrayBuffer()).equals(data)).toBe(true);
    const acl = (await (await fetch(`${server.url}/storage/v1/b/b/o/${encodeURIComponent('dir/a.txt')}/acl`)).json()) as { items: unknown[] };
    expect(acl.items).toContainEqual(expect.objectContaining({ entity: 'allUsers', role: 'READER' }));
  });

  it('answers 404 for missing buckets and objects, 400 for bad ACLs, and injected failures', async () => {
    server = await startGcsServer({ buckets: ['b'] });
    const { body, contentType } = multipart({ name: 'x' }, Buffer.from('x'), 'text/plain');
    const post = (bucket: string, query = '') =>
      fetch(`${server!.url}/upload/storage/v1/b/${bucket}/o?uploadType=multipart${query}`, { method: 'POST', body, headers: { 'content-type': contentType } });
    expect((await post('nope')).status).toBe(404);
    expect((await post('b', '&predefinedAcl=world')).status).toBe(400);
    expect((await fetch(`${server.url}/storage/v1/b/b/o/missing`)).status).toBe(404);
    server.failNext(1, 503);
    expect((await post('b')).status).toBe(503);
    expect((await post('b')).status).toBe(200);
  });

  it('stores a media upload and enforces a bearer token when asked', async () => {
    server = await startGcsServer({ buckets: ['b'], bearerToken: 't0k' });
    const url = `${server.url}/upload/storage/v1/b/b/o?uploadType=media&name=raw.bin`;
    expect((await fetch(url, { method: 'POST', body: 'abc' })).status).toBe(401);
    const ok = await fetch(url, { method: 'POST', body: 'abc', headers: { authorization: 'Bearer t0k', 'content-type': 'application/octet-stream' } });
    expect(ok.status).toBe(200);
    expect(server.objects.get('b/raw.bin')!.data.toString()).toBe('abc');
  });

  it('runs a resumable upload: a session, chunks answered 308 with the Range kept, the object only at the final size', async () => {
    server = await startGcsServer({ buckets: ['b'] });
    const start = await fetch(`${server.url}/upload/storage/v1/b/b/o?uploadType=resumable&name=${encodeURIComponent('d/r.bin')}&predefinedAcl=publicRead`, {
      method: 'POST',
      body: JSON.stringify({ cacheControl: 'no-store' }),
      headers: { 'content-type': 'application/json', 'x-upload-content-type': 'video/mp4' },
    });
    expect(start.status).toBe(200);
    const session = start.headers.get('location')!;
    expect(session).toMatch(/upload_id=/);
    const put = (range: string, body: string, extra: Record<string, string> = {}) => fetch(session, { method: 'PUT', body, headers: { 'content-range': range, ...extra } });

    const first = await put('bytes 0-4/*', 'hello');
    expect(first.status).toBe(308);
    expect(first.headers.get('range')).toBe('bytes=0-4');
    expect(server.objects.has('b/d/r.bin')).toBe(false);
    // A status query, then a resend overlapping what was kept (bytes 3-4 are skipped).
    const status = await put('bytes */*', '');
    expect([status.status, status.headers.get('range')]).toEqual([308, 'bytes=0-4']);
    const data = Buffer.from('hello world');
    const last = await put('bytes 3-10/11', 'lo world', { 'x-goog-hash': `crc32c=${crc32cBase64(data)},md5=${md5b64(data)}` });
    expect(last.status).toBe(200);
    expect(await last.json()).toMatchObject({ name: 'd/r.bin', size: '11', contentType: 'video/mp4', cacheControl: 'no-store', md5Hash: md5b64(data) });
    expect(server.objects.get('b/d/r.bin')).toMatchObject({ predefinedAcl: 'publicRead', data });
    expect(server.openSessions.size).toBe(0);
    expect((await put('bytes 0-0/1', 'x')).status).toBe(404);
  });

  it('refuses a gap, a length mismatch and a checksum mismatch in a resumable upload, creating nothing', async () => {
    server = await startGcsServer({ buckets: ['b'] });
    const open = async (name: string) => (await fetch(`${server!.url}/upload/storage/v1/b/b/o?uploadType=resumable&name=${name}`, { method: 'POST' })).headers.get('location')!;
    const session = await open('x.bin');
    const put = (range: string, body: string, extra: Record<string, string> = {}) => fetch(session, { method: 'PUT', body, headers: { 'content-range': range, ...extra } });
    expect((await put('bytes 5-6/*', 'ab')).status).toBe(400);
    expect((await put('bytes 0-9/*', 'ab')).status).toBe(400);
    expect((await put('bytes 0-1/2', 'ab', { 'x-goog-hash': `crc32c=${crc32cBase64(Buffer.from('zz'))}` })).status).toBe(400);
    expect(server.objects.has('b/x.bin')).toBe(false);
    expect([...server.openSessions.values()]).toEqual([expect.objectContaining({ name: 'x.bin', received: 2 })]);
    // The empty final request the client sends for an empty object.
    const empty = await open('empty.bin');
    expect((await fetch(empty, { method: 'PUT', body: '', headers: { 'content-range': 'bytes 0--1/0' } })).status).toBe(200);
    expect(server.objects.get('b/empty.bin')!.data.length).toBe(0);
    expect((await fetch(`${server.url}/upload/storage/v1/b/nope/o?uploadType=resumable&name=a`, { method: 'POST' })).status).toBe(404);
  });

  it('creates no object from an upload cut off mid-body or missing its closing boundary, keeping the previous one', async () => {
    server = await startGcsServer({ buckets: ['b'] });
    const old = Buffer.from('the previous object');
    const { body: first, contentType } = multipart({ name: 'keep.txt' }, old, 'text/plain');
    const url = `${server.url}/upload/storage/v1/b/b/o?uploadType=multipart`;
    expect((await fetch(url, { method: 'POST', body: first, headers: { 'content-type': contentType } })).status).toBe(200);

    const { body: next } = multipart({ name: 'keep.txt' }, Buffer.alloc(100_000, 7), 'text/plain');
    await cutOff(url, 'POST', { 'content-type': contentType }, next.subarray(0, 50_000), next.length);
    await settled(server, 2);
    // A complete HTTP request whose multipart body stops before the closing boundary.
    const truncated = next.subarray(0, next.length - 20);
    expect((await fetch(url, { method: 'POST', body: truncated, headers: { 'content-type': contentType } })).status).toBe(400);
    expect(server.objects.get('b/keep.txt')!.data.equals(old)).toBe(true);

    const session = (await fetch(`${server.url}/upload/storage/v1/b/b/o?uploadType=resumable&name=keep.txt`, { method: 'POST' })).headers.get('location')!;
    await cutOff(session, 'PUT', { 'content-range': 'bytes 0-99999/100000' }, Buffer.alloc(60_000, 1), 100_000);
    await settled(server, 5);
    expect(server.objects.get('b/keep.txt')!.data.equals(old)).toBe(true);
    expect([...server.openSessions.values()][0]).toMatchObject({ received: 0 });
  });
});

import { createHash } from 'node:crypto';
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
});

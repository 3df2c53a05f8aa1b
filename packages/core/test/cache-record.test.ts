import { describe, expect, it } from 'vitest';
import { cacheRecordTimestamp, createResponse, decodeCacheRecord, encodeCacheRecord, HtmlResponse, Request } from '../src/index.js';

describe('cache records', () => {
  it('round-trip status, URL, multi-value headers and a binary body, and pick the class again', () => {
    const request = new Request('http://a.test/p');
    const response = createResponse('http://a.test/p', {
      status: 203,
      headers: [['Content-Type', 'text/html'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']],
      body: new Uint8Array([60, 112, 62, 0, 255]),
    });
    const record = encodeCacheRecord(response, 1_700_000_000.5);
    expect(cacheRecordTimestamp(record)).toBe(1_700_000_000.5);
    const back = decodeCacheRecord(record, request);
    expect(back).toBeInstanceOf(HtmlResponse);
    expect(back.status).toBe(203);
    expect(back.url).toBe('http://a.test/p');
    expect(back.request).toBe(request);
    expect(back.headers.getAll('set-cookie')).toEqual(['a=1', 'b=2']);
    expect([...back.body]).toEqual([60, 112, 62, 0, 255]);
  });

  it('refuses damaged records with a TypeError', () => {
    const record = encodeCacheRecord(createResponse('http://a.test/', { body: 'x' }), 1);
    expect(() => decodeCacheRecord(record.subarray(0, 5), new Request('http://a.test/'))).toThrow(/too short/);
    expect(() => decodeCacheRecord(record.subarray(0, 14), new Request('http://a.test/'))).toThrow(/truncated/);
    const tampered = Buffer.from(record);
    tampered.write('{"v":9', 12);
    expect(() => decodeCacheRecord(tampered, new Request('http://a.test/'))).toThrow();
  });
});

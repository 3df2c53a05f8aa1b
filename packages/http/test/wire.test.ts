import { describe, expect, it } from 'vitest';
import { concatChunks } from '../src/wire.js';

describe('concatChunks', () => {
  it('keeps a body that is most of its one socket read as a view (no copy)', () => {
    const text = 'HTTP/1.1 200 OK\r\n\r\n<html>a body longer than its headers</html>';
    // Like a socket read: a buffer of its own, sized to what was read (not a slice of Node's pool).
    const read = Buffer.allocUnsafeSlow(text.length);
    read.write(text);
    const body = read.subarray(19);
    const out = concatChunks([body], body.byteLength);
    expect(out.buffer).toBe(read.buffer);
    expect(Buffer.from(out).toString()).toBe('<html>a body longer than its headers</html>');
    expect(out.constructor).toBe(Uint8Array);
  });

  it('copies a small view of a large buffer, so the body does not pin the rest', () => {
    const big = Buffer.alloc(64 * 1024, 120);
    const body = big.subarray(100, 110);
    const out = concatChunks([body], 10);
    expect(out.buffer).not.toBe(big.buffer);
    expect(out.byteLength).toBe(10);
    expect(Buffer.from(out).toString()).toBe('x'.repeat(10));
  });

  it('joins several chunks in order', () => {
    const out = concatChunks([Buffer.from('ab'), Buffer.from('c'), Buffer.from('def')], 6);
    expect(Buffer.from(out).toString()).toBe('abcdef');
    expect(concatChunks([], 0).byteLength).toBe(0);
  });
});

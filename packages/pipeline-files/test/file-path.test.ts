import { Request, Response } from '@crawl/core';
import { describe, expect, it } from 'vitest';
import { defaultFilePath, mediaExtension, urlHash } from '../src/index.js';

const withType = (url: string, type: string) => new Response(url, { headers: { 'Content-Type': type } });

describe('defaultFilePath', () => {
  it('is full/<sha1 of the URL>.<ext>, as in Scrapy', () => {
    expect(defaultFilePath(new Request('http://www.example.com/image.jpg'))).toBe('full/3afec3b4765f8f0a07b78f98c07b83f013567a0a.jpg');
  });

  it('hashes the normalised request URL', () => {
    const r = new Request('http://WWW.Example.com/a b.PDF');
    expect(r.url).toBe('http://www.example.com/a%20b.PDF');
    expect(defaultFilePath(r)).toBe(`full/${urlHash('http://www.example.com/a%20b.PDF')}.pdf`);
  });

  it('takes the extension from the URL path, ignoring query and fragment', () => {
    expect(mediaExtension('http://www.example.com/a/baz.txt?fizz')).toBe('.txt');
    expect(mediaExtension('http://www.example.com/a/baz.txt?x=1.png#y.gif')).toBe('.txt');
    expect(mediaExtension('http://www.example.com/archive.tar.gz')).toBe('.gz');
    expect(mediaExtension('http://www.example.com/Photo.JPG')).toBe('.jpg');
  });

  it('falls back to the Content-Type when the path has no known extension', () => {
    expect(mediaExtension('http://x.test/download?id=3', 'application/pdf')).toBe('.pdf');
    expect(mediaExtension('http://x.test/page.aspx', 'image/png')).toBe('.png');
    expect(mediaExtension('http://x.test/.hidden', 'text/plain; charset=utf-8')).toBe('.txt');
    expect(mediaExtension('http://x.test/name.', 'image/jpeg')).toBe('.jpg');
    expect(defaultFilePath(new Request('http://x.test/get?f=1'), withType('http://x.test/get?f=1', 'image/gif'))).toBe(`full/${urlHash('http://x.test/get?f=1')}.gif`);
  });

  it('has no extension when neither the URL nor the response tell', () => {
    expect(mediaExtension('http://x.test/download')).toBe('');
    expect(mediaExtension('http://x.test/download', 'bogus/type')).toBe('');
    expect(defaultFilePath(new Request('http://x.test/blob'))).toBe(`full/${urlHash('http://x.test/blob')}`);
  });
});

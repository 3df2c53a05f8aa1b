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

  it('ignores the response, so the expiry check before the download names the same path (Scrapy guesses from the URL only)', () => {
    const request = new Request('http://x.test/get?f=1');
    const before = defaultFilePath(request);
    expect(before).toBe(`full/${urlHash('http://x.test/get?f=1')}`);
    expect(defaultFilePath(request, withType('http://x.test/get?f=1', 'image/gif'))).toBe(before);
    expect(mediaExtension('http://x.test/page.aspx')).toBe('');
    expect(mediaExtension('http://x.test/.hidden')).toBe('');
    expect(mediaExtension('http://x.test/name.')).toBe('');
  });

  it('takes the media type of a data: URL, as Python mimetypes does', () => {
    expect(mediaExtension('data:image/png;base64,iVBORw0KGgo=')).toBe('.png');
    expect(mediaExtension('data:application/pdf,%25PDF')).toBe('.pdf');
    expect(mediaExtension('data:,hello')).toBe('.txt');
  });

  it('has no extension when neither the URL nor the response tell', () => {
    expect(mediaExtension('http://x.test/download')).toBe('');
    expect(defaultFilePath(new Request('http://x.test/blob'))).toBe(`full/${urlHash('http://x.test/blob')}`);
  });
});

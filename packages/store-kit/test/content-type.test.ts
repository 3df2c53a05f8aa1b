import { describe, expect, it } from 'vitest';
import { contentTypeFor } from '../src/index.js';

describe('contentTypeFor', () => {
  it("prefers the caller's content type, then a Content-Type header in any case", () => {
    expect(contentTypeFor('a/report', { contentType: 'application/pdf' })).toBe('application/pdf');
    expect(contentTypeFor('a/x.png', { headers: { 'Content-Type': 'image/webp' } })).toBe('image/webp');
  });

  it("falls back to the file name's extension, then to a generic binary", () => {
    expect(contentTypeFor('full/a.png', undefined)).toBe('image/png');
    expect(contentTypeFor('full/a.JPG', {})).toBe('image/jpeg');
    expect(contentTypeFor('a/blob.unknownext', undefined)).toBe('application/octet-stream');
    expect(contentTypeFor('a/x.png', { contentType: '' })).toBe('image/png');
  });
});

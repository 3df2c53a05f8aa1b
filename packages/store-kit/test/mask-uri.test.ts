import { describe, expect, it } from 'vitest';
import { maskUri } from '../src/index.js';

describe('maskUri', () => {
  it('replaces the password and keeps the user name', () => {
    expect(maskUri('ftp://media:topsecret@127.0.0.1:2121/files')).toBe('ftp://media:***@127.0.0.1:2121/files');
    expect(maskUri(new URL('s3://AKID:wJalr%2FK7@bucket/x'))).toBe('s3://AKID:***@bucket/x');
  });

  it('replaces query parameters whose names say they hold secrets, and leaves the others', () => {
    const masked = maskUri('https://storage.example/upload?upload_id=1&X-Amz-Signature=abc&access_token=t&client_secret=s&acl=private');
    expect(masked).toBe('https://storage.example/upload?upload_id=1&X-Amz-Signature=***&access_token=***&client_secret=***&acl=private');
  });

  it('leaves a URI without secrets as it was', () => {
    expect(maskUri('gs://bucket/prefix/')).toBe('gs://bucket/prefix/');
  });

  it('hides an unparsable URI whole', () => {
    expect(maskUri('not a uri: user:secret')).toBe('(an unparsable URI)');
  });
});

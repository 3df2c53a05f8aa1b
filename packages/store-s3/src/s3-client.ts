import { Agent } from 'node:https';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { ResolvedS3Options } from './options.js';

/** The SDK client for resolved options: TLS, retries and endpoint settings in one place. */
export function createS3Client(o: ResolvedS3Options): S3Client {
  const config: S3ClientConfig = {
    forcePathStyle: o.forcePathStyle,
    tls: o.tls,
    // The SDK's standard retry strategy: throttling, 5xx and network errors, with backoff.
    maxAttempts: o.retries + 1,
  };
  if (o.region !== undefined) config.region = o.region;
  if (o.credentials !== undefined) config.credentials = o.credentials;
  if (o.endpoint !== undefined) {
    config.endpoint = o.endpoint.href.replace(/\/$/, '');
    // S3-compatible servers often reject the flexible checksums (CRC32 trailers, aws-chunked
    // bodies) the SDK sends to AWS by default; MD5-based ETags need none of them.
    config.requestChecksumCalculation = 'WHEN_REQUIRED';
    config.responseChecksumValidation = 'WHEN_REQUIRED';
  }
  if (!o.tlsVerify) config.requestHandler = { httpsAgent: new Agent({ rejectUnauthorized: false, keepAlive: true }) };
  return new S3Client(config);
}

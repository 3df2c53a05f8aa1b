import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** MD5 hex of a file, read as a stream so a large file never sits in memory whole. */
export async function md5File(file: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

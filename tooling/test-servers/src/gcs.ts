import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startTestServer } from './server.js';
import type { RecordedRequest } from './types.js';

/** Predefined ACLs of the GCS JSON API (the `predefinedAcl` query parameter). */
export type GcsPredefinedAcl = 'authenticatedRead' | 'bucketOwnerFullControl' | 'bucketOwnerRead' | 'private' | 'projectPrivate' | 'publicRead';

/** One ACL entry as the JSON API returns it (`objectAccessControl`, trimmed). */
export interface GcsAclEntry {
  entity: string;
  role: 'OWNER' | 'READER';
}

/** One stored object. */
export interface GcsObject {
  readonly bucket: string;
  readonly name: string;
  readonly data: Buffer;
  readonly contentType: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** The `predefinedAcl` the upload asked for, or undefined (the bucket's default object ACL applied). */
  readonly predefinedAcl: GcsPredefinedAcl | undefined;
  readonly acl: readonly GcsAclEntry[];
  readonly generation: number;
  readonly updated: Date;
}

export interface GcsTestServerOptions {
  /** Buckets that exist; uploads to any other bucket get 404. */
  buckets: string[];
  /** Project of the ACL entities (`project-owners-<id>`…); default 'test-project'. */
  projectId?: string;
  /** Require `Authorization: Bearer <token>` on every request (401 otherwise). Default: no auth, as the emulators. */
  bearerToken?: string;
}

export interface GcsTestServer {
  /** `http://127.0.0.1:PORT`: pass it as the client's `apiEndpoint`. */
  readonly url: string;
  /** Every request received, bodies included. */
  readonly requests: RecordedRequest[];
  /** Stored objects by `bucket/name`. */
  readonly objects: ReadonlyMap<string, GcsObject>;
  /** The next `count` requests (uploads when `uploadsOnly`, the default) fail with `status` (503: a transient error). */
  failNext(count: number, status?: number, uploadsOnly?: boolean): void;
  close(): Promise<void>;
}

const CRC32C_TABLE = ((): Uint32Array => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC32C (Castagnoli) as GCS reports it: big-endian, base64. */
export function crc32cBase64(data: Uint8Array): string {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC32C_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return out.toString('base64');
}

const PREDEFINED: ReadonlySet<string> = new Set(['authenticatedRead', 'bucketOwnerFullControl', 'bucketOwnerRead', 'private', 'projectPrivate', 'publicRead']);

function aclFor(predefined: GcsPredefinedAcl | undefined, projectId: string): GcsAclEntry[] {
  const owner: GcsAclEntry = { entity: 'user-uploader@test.iam.gserviceaccount.com', role: 'OWNER' };
  switch (predefined) {
    case 'private':
      return [owner];
    case 'publicRead':
      return [owner, { entity: 'allUsers', role: 'READER' }];
    case 'authenticatedRead':
      return [owner, { entity: 'allAuthenticatedUsers', role: 'READER' }];
    case 'bucketOwnerRead':
      return [owner, { entity: `project-owners-${projectId}`, role: 'READER' }];
    case 'bucketOwnerFullControl':
      return [owner, { entity: `project-owners-${projectId}`, role: 'OWNER' }];
    case 'projectPrivate':
    case undefined:
      // The bucket default object ACL of a new bucket is projectPrivate.
      return [owner, { entity: `project-owners-${projectId}`, role: 'OWNER' }, { entity: `project-editors-${projectId}`, role: 'OWNER' }, { entity: `project-viewers-${projectId}`, role: 'READER' }];
  }
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': body.length });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, reason: string, message: string): void {
  sendJson(res, status, { error: { code: status, message, errors: [{ message, domain: 'global', reason }] } });
}

/** Splits a multipart/related body (metadata JSON part, then the media part). */
function parseMultipart(body: Buffer, contentType: string): { metadata: Record<string, unknown>; mediaType: string; data: Buffer } | undefined {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (boundary === undefined) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const from = start + delimiter.length;
    if (body.subarray(from, from + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, from);
    if (next === -1) return undefined;
    // Each part starts after the delimiter's CRLF and ends before the CRLF that precedes the next one.
    parts.push(body.subarray(from + 2, next - 2));
    start = next;
  }
  if (parts.length !== 2) return undefined;
  const split = (part: Buffer): { headers: string; content: Buffer } => {
    const end = part.indexOf('\r\n\r\n');
    return { headers: part.subarray(0, end).toString('latin1'), content: part.subarray(end + 4) };
  };
  const meta = split(parts[0]!);
  const media = split(parts[1]!);
  let metadata: Record<string, unknown>;
  try {
    metadata = JSON.parse(meta.content.toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const mediaType = /content-type:\s*([^\r\n]+)/i.exec(media.headers)?.[1]?.trim() ?? 'application/octet-stream';
  return { metadata, mediaType, data: media.content };
}

/**
 * A loopback server speaking the parts of the Google Cloud Storage JSON API that
 * `@google-cloud/storage` uses to upload and inspect objects: simple (`uploadType=media`) and
 * multipart uploads with `predefinedAcl`, object metadata, downloads (`alt=media`) and the object
 * ACL list. Objects live in memory. The real client reaches it with `apiEndpoint: server.url`
 * (with a custom endpoint it sends no OAuth token unless `useAuthWithCustomEndpoint` is set).
 */
export async function startGcsServer(options: GcsTestServerOptions): Promise<GcsTestServer> {
  const buckets = new Set(options.buckets);
  const projectId = options.projectId ?? 'test-project';
  const objects = new Map<string, GcsObject>();
  let generation = 1_700_000_000_000_000;
  let failures = { count: 0, status: 503, uploadsOnly: true };

  const resource = (o: GcsObject): Record<string, unknown> => ({
    kind: 'storage#object',
    id: `${o.bucket}/${o.name}/${o.generation}`,
    selfLink: `${server.url}/storage/v1/b/${o.bucket}/o/${encodeURIComponent(o.name)}`,
    mediaLink: `${server.url}/download/storage/v1/b/${o.bucket}/o/${encodeURIComponent(o.name)}?generation=${o.generation}&alt=media`,
    name: o.name,
    bucket: o.bucket,
    generation: String(o.generation),
    metageneration: '1',
    contentType: o.contentType,
    storageClass: 'STANDARD',
    size: String(o.data.length),
    md5Hash: createHash('md5').update(o.data).digest('base64'),
    crc32c: crc32cBase64(o.data),
    etag: createHash('md5').update(`${o.generation}`).digest('base64').slice(0, 12),
    timeCreated: o.updated.toISOString(),
    updated: o.updated.toISOString(),
    ...o.metadata,
  });

  const upload = (req: IncomingMessage & { body: Buffer }, res: ServerResponse, bucket: string, url: URL): void => {
    const uploadType = url.searchParams.get('uploadType');
    let name = url.searchParams.get('name') ?? undefined;
    let metadata: Record<string, unknown> = {};
    let data: Buffer;
    let contentType = req.headers['content-type'] ?? 'application/octet-stream';
    if (uploadType === 'multipart') {
      const parsed = parseMultipart(req.body, contentType);
      if (parsed === undefined) return sendError(res, 400, 'invalid', 'Malformed multipart body.');
      metadata = parsed.metadata;
      data = parsed.data;
      contentType = typeof metadata['contentType'] === 'string' ? metadata['contentType'] : parsed.mediaType;
      if (typeof metadata['name'] === 'string') name ??= metadata['name'];
    } else if (uploadType === 'media') {
      data = req.body;
    } else {
      return sendError(res, 400, 'invalid', `Unsupported uploadType ${JSON.stringify(uploadType)} (this test server speaks media and multipart).`);
    }
    if (name === undefined || name === '') return sendError(res, 400, 'required', 'Required parameter: name');
    if (!buckets.has(bucket)) return sendError(res, 404, 'notFound', 'The specified bucket does not exist.');
    const predefined = url.searchParams.get('predefinedAcl') ?? undefined;
    if (predefined !== undefined && !PREDEFINED.has(predefined)) return sendError(res, 400, 'invalid', `Invalid argument: predefinedAcl ${predefined}`);
    const { name: _n, bucket: _b, contentType: _c, ...rest } = metadata;
    const object: GcsObject = {
      bucket,
      name,
      data,
      contentType,
      metadata: rest,
      predefinedAcl: predefined as GcsPredefinedAcl | undefined,
      acl: aclFor(predefined as GcsPredefinedAcl | undefined, projectId),
      generation: ++generation,
      updated: new Date(),
    };
    objects.set(`${bucket}/${name}`, object);
    sendJson(res, 200, resource(object));
  };

  const server = await startTestServer({
    fallback: (req, res) => {
      const url = new URL(req.url ?? '/', 'http://gcs.invalid');
      if (options.bearerToken !== undefined && req.headers.authorization !== `Bearer ${options.bearerToken}`) {
        return sendError(res, 401, 'required', 'Anonymous caller does not have storage.objects access.');
      }
      const isUpload = url.pathname.startsWith('/upload/');
      if (failures.count > 0 && (isUpload || !failures.uploadsOnly)) {
        failures.count--;
        return sendError(res, failures.status, 'backendError', 'Backend Error');
      }
      let m = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
      if (m !== null && req.method === 'POST') return upload(req, res, decodeURIComponent(m[1]!), url);
      m = /^\/(?:download\/)?storage\/v1\/b\/([^/]+)\/o\/([^/]+)(\/acl)?$/.exec(url.pathname);
      if (m !== null && req.method === 'GET') {
        const bucket = decodeURIComponent(m[1]!);
        const name = decodeURIComponent(m[2]!);
        if (!buckets.has(bucket)) return sendError(res, 404, 'notFound', 'The specified bucket does not exist.');
        const object = objects.get(`${bucket}/${name}`);
        if (object === undefined) return sendError(res, 404, 'notFound', `No such object: ${bucket}/${name}`);
        if (m[3] !== undefined) {
          return sendJson(res, 200, { kind: 'storage#objectAccessControls', items: object.acl.map((e) => ({ kind: 'storage#objectAccessControl', bucket, object: name, ...e })) });
        }
        if (url.searchParams.get('alt') === 'media') {
          res.writeHead(200, { 'Content-Type': object.contentType, 'Content-Length': object.data.length, 'x-goog-hash': `crc32c=${crc32cBase64(object.data)},md5=${createHash('md5').update(object.data).digest('base64')}` });
          res.end(object.data);
          return;
        }
        return sendJson(res, 200, resource(object));
      }
      sendError(res, 404, 'notFound', `This test server does not implement ${req.method} ${url.pathname}`);
    },
  });

  return {
    url: server.url,
    requests: server.requests,
    objects,
    failNext(count, status = 503, uploadsOnly = true) {
      failures = { count, status, uploadsOnly };
    },
    close: () => server.close(),
  };
}

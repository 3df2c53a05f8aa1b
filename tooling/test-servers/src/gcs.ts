import { createHash, randomUUID } from 'node:crypto';
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
  /** Resumable upload sessions not finalised (yet): what a client that gave up left behind. */
  readonly openSessions: ReadonlyMap<string, GcsResumableSession>;
  /** The next `count` requests (uploads when `uploadsOnly`, the default) fail with `status` (503: a transient error). */
  failNext(count: number, status?: number, uploadsOnly?: boolean): void;
  /** Requests being handled now (arrived, response not yet closed): an upload left hanging shows here. */
  inFlight(): number;
  close(): Promise<void>;
}

/** A resumable upload session (`uploadType=resumable`): bytes received so far, no object yet. */
export interface GcsResumableSession {
  readonly bucket: string;
  readonly name: string;
  /** Bytes persisted so far (the upper end of the `Range` a status query answers, plus one). */
  readonly received: number;
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

/** `x-goog-hash: crc32c=…,md5=…` (base64 values) → the digests it names. */
function googHash(header: string | string[] | undefined): { crc32c?: string; md5?: string } {
  const out: { crc32c?: string; md5?: string } = {};
  for (const part of String(header ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    if (key === 'crc32c' || key === 'md5') out[key] = part.slice(eq + 1).trim();
  }
  return out;
}

/**
 * `Content-Range` of a resumable upload PUT: `bytes FIRST-LAST/TOTAL` carries bytes (LAST may be
 * FIRST-1 for an empty final request, as the client sends for empty objects); a `*` in place of
 * FIRST-LAST only asks for the status or, with a numeric TOTAL, finalises; TOTAL `*` means "not
 * known yet".
 */
function parseContentRange(header: string | undefined): { first: number; last: number; total: number | undefined } | { query: true; total: number | undefined } | undefined {
  const m = /^bytes (?:(\d+)-(-1|\d+)|\*)\/(\d+|\*)$/.exec((header ?? '').trim());
  if (m === null) return undefined;
  const total = m[3] === '*' ? undefined : Number(m[3]);
  if (m[1] === undefined) return { query: true, total };
  return { first: Number(m[1]), last: Number(m[2]), total };
}

/**
 * A loopback server speaking the parts of the Google Cloud Storage JSON API that
 * `@google-cloud/storage` uses to upload and inspect objects: simple (`uploadType=media`),
 * multipart and resumable (chunked) uploads with `predefinedAcl`, object metadata, downloads
 * (`alt=media`) and the object ACL list. Objects live in memory. As on GCS, an object appears only
 * when an upload completes: a request cut off mid-body, a multipart body without its closing
 * boundary or a resumable session never finalised leaves any previous object as it was. The real client reaches it with `apiEndpoint: server.url`
 * (with a custom endpoint it sends no OAuth token unless `useAuthWithCustomEndpoint` is set).
 */
export async function startGcsServer(options: GcsTestServerOptions): Promise<GcsTestServer> {
  const buckets = new Set(options.buckets);
  const projectId = options.projectId ?? 'test-project';
  const objects = new Map<string, GcsObject>();
  interface Session {
    bucket: string;
    name: string;
    contentType: string;
    metadata: Record<string, unknown>;
    predefinedAcl: GcsPredefinedAcl | undefined;
    chunks: Buffer[];
    received: number;
  }
  const sessions = new Map<string, Session>();
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
      return sendError(res, 400, 'invalid', `Unsupported uploadType ${JSON.stringify(uploadType)} (this test server speaks media, multipart and resumable).`);
    }
    if (name === undefined || name === '') return sendError(res, 400, 'required', 'Required parameter: name');
    if (!buckets.has(bucket)) return sendError(res, 404, 'notFound', 'The specified bucket does not exist.');
    const predefined = url.searchParams.get('predefinedAcl') ?? undefined;
    if (predefined !== undefined && !PREDEFINED.has(predefined)) return sendError(res, 400, 'invalid', `Invalid argument: predefinedAcl ${predefined}`);
    store(res, { bucket, name, data, contentType, metadata, predefinedAcl: predefined as GcsPredefinedAcl | undefined });
  };

  const store = (res: ServerResponse, o: { bucket: string; name: string; data: Buffer; contentType: string; metadata: Record<string, unknown>; predefinedAcl: GcsPredefinedAcl | undefined }): void => {
    const { name: _n, bucket: _b, contentType: _c, ...rest } = o.metadata;
    const object: GcsObject = {
      bucket: o.bucket,
      name: o.name,
      data: o.data,
      contentType: o.contentType,
      metadata: rest,
      predefinedAcl: o.predefinedAcl,
      acl: aclFor(o.predefinedAcl, projectId),
      generation: ++generation,
      updated: new Date(),
    };
    objects.set(`${o.bucket}/${o.name}`, object);
    sendJson(res, 200, resource(object));
  };

  // POST …/o?uploadType=resumable: opens a session; its URI (Location) takes the bytes in PUTs.
  const startResumable = (req: IncomingMessage & { body: Buffer }, res: ServerResponse, bucket: string, url: URL): void => {
    let metadata: Record<string, unknown> = {};
    if (req.body.length > 0) {
      try {
        metadata = JSON.parse(req.body.toString('utf8')) as Record<string, unknown>;
      } catch {
        return sendError(res, 400, 'parseError', 'Parse Error');
      }
    }
    const name = url.searchParams.get('name') ?? (typeof metadata['name'] === 'string' ? metadata['name'] : undefined);
    if (name === undefined || name === '') return sendError(res, 400, 'required', 'Required parameter: name');
    if (!buckets.has(bucket)) return sendError(res, 404, 'notFound', 'The specified bucket does not exist.');
    const predefined = url.searchParams.get('predefinedAcl') ?? undefined;
    if (predefined !== undefined && !PREDEFINED.has(predefined)) return sendError(res, 400, 'invalid', `Invalid argument: predefinedAcl ${predefined}`);
    const headerType = req.headers['x-upload-content-type'];
    const contentType = typeof headerType === 'string' ? headerType : typeof metadata['contentType'] === 'string' ? metadata['contentType'] : 'application/octet-stream';
    const id = randomUUID();
    sessions.set(id, { bucket, name, contentType, metadata, predefinedAcl: predefined as GcsPredefinedAcl | undefined, chunks: [], received: 0 });
    const location = `${server.url}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=resumable&name=${encodeURIComponent(name)}&upload_id=${id}`;
    res.writeHead(200, { Location: location, 'Content-Length': 0 });
    res.end();
  };

  // PUT <session URI>: appends a chunk (Content-Range), answers 308 with the persisted Range until
  // the final size is known and reached, then stores the object (after checking x-goog-hash).
  const continueResumable = (req: IncomingMessage & { body: Buffer }, res: ServerResponse, id: string): void => {
    const session = sessions.get(id);
    if (session === undefined) return sendError(res, 404, 'notFound', 'No such upload session (finalised, or never opened).');
    const range = req.headers['content-range'] === undefined ? { first: 0, last: req.body.length - 1, total: req.body.length } : parseContentRange(req.headers['content-range']);
    if (range === undefined) return sendError(res, 400, 'invalid', `Malformed Content-Range ${JSON.stringify(req.headers['content-range'])}.`);
    if ('first' in range) {
      if (range.last - range.first + 1 !== req.body.length) return sendError(res, 400, 'invalid', 'Content-Range does not match the request body length.');
      if (range.first > session.received) return sendError(res, 400, 'invalid', `Chunk starts at ${range.first} but only ${session.received} bytes were received.`);
      // Bytes already persisted (a client resending after a lost reply) are skipped.
      const fresh = req.body.subarray(session.received - range.first);
      if (fresh.length > 0) {
        session.chunks.push(Buffer.from(fresh));
        session.received += fresh.length;
      }
    }
    if (range.total !== undefined && session.received > range.total) return sendError(res, 400, 'invalid', `Received ${session.received} bytes, more than the declared ${range.total}.`);
    if (range.total === undefined || session.received < range.total) {
      res.writeHead(308, session.received > 0 ? { Range: `bytes=0-${session.received - 1}`, 'Content-Length': 0 } : { 'Content-Length': 0 });
      res.end();
      return;
    }
    const data = Buffer.concat(session.chunks);
    const claimed = googHash(req.headers['x-goog-hash']);
    if (claimed.crc32c !== undefined && claimed.crc32c !== crc32cBase64(data)) return sendError(res, 400, 'invalid', 'Provided CRC32C does not match the object data.');
    if (claimed.md5 !== undefined && claimed.md5 !== createHash('md5').update(data).digest('base64')) return sendError(res, 400, 'invalid', 'Provided MD5 hash does not match the object data.');
    sessions.delete(id);
    store(res, { bucket: session.bucket, name: session.name, data, contentType: session.contentType, metadata: session.metadata, predefinedAcl: session.predefinedAcl });
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
      const uploadId = url.searchParams.get('upload_id');
      if (m !== null && req.method === 'PUT' && uploadId !== null) return continueResumable(req, res, uploadId);
      if (m !== null && req.method === 'POST' && url.searchParams.get('uploadType') === 'resumable') return startResumable(req, res, decodeURIComponent(m[1]!), url);
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
    openSessions: sessions,
    failNext(count, status = 503, uploadsOnly = true) {
      failures = { count, status, uploadsOnly };
    },
    inFlight: () => server.inFlight(),
    close: () => server.close(),
  };
}

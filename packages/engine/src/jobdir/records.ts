import { ConfigError } from '@crawl/core';
import { isRecord, parsePlainJson } from './plain-data.js';
import { JOB_SCHEMA_VERSION } from './request-codec.js';
import { SEGMENT_NAME } from './segments.js';

/** A journal line: a request was enqueued, fully processed, or a start() element was consumed. */
export type JournalRecord =
  | { t: 'enq'; id: number; fp: string | undefined; r: unknown }
  | { t: 'ack'; id: number }
  | { t: 'start'; consumed: number; done: boolean };

/** The checkpoint: everything pending is in `queues` minus what `journal` acknowledges, plus what it enqueues. */
export interface Manifest {
  spider: string;
  nextId: number;
  journal: string;
  start: { consumed: number; done: boolean };
  queues: { priority: number; segments: string[] }[];
}

export const JOURNAL_NAME = /^journal-(\d{1,15})\.jsonl$/;
export const MANIFEST_KIND = '@crawl/engine job';
/** Fingerprints are single printable tokens (core's are 40 hex characters). */
export const FINGERPRINT = /^[\x21-\x7e]{1,512}$/;

/** Thrown for anything wrong in a job file: which file, which line, what. */
export function jobFileError(file: string, line: number | undefined, reason: string): ConfigError {
  return new ConfigError(
    `Invalid job directory file ${file}${line === undefined ? '' : `:${line}`}: ${reason}. ` +
      'The job directory was modified or belongs to another version; nothing from it was run. Delete the folder to start the crawl afresh',
  );
}

const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Parses and checks one journal or segment line (the request itself is checked when decoded). */
export function parseRecord(text: string): JournalRecord {
  let value: unknown;
  try {
    value = parsePlainJson(text);
  } catch (error) {
    throw new Error(`not valid JSON (${(error as Error).message})`);
  }
  if (!isRecord(value)) throw new Error('not a JSON object');
  if (value['v'] !== JOB_SCHEMA_VERSION) throw new Error(`schema version ${JSON.stringify(value['v'])} is not ${JOB_SCHEMA_VERSION}`);
  const t = value['t'];
  const keys = Object.keys(value);
  const only = (allowed: string[]): void => {
    for (const key of keys) if (!allowed.includes(key)) throw new Error(`unknown field ${JSON.stringify(key)} in a "${String(t)}" record`);
  };
  if (t === 'enq') {
    only(['v', 't', 'id', 'fp', 'r']);
    const { id, fp, r } = value;
    if (!isId(id)) throw new Error('id is not a non-negative integer');
    if (fp !== undefined && (typeof fp !== 'string' || !FINGERPRINT.test(fp))) throw new Error('fp is not a fingerprint');
    return { t, id, fp, r };
  }
  if (t === 'ack') {
    only(['v', 't', 'id']);
    if (!isId(value['id'])) throw new Error('id is not a non-negative integer');
    return { t, id: value['id'] };
  }
  if (t === 'start') {
    only(['v', 't', 'consumed', 'done']);
    const { consumed, done } = value;
    if (!isId(consumed) || typeof done !== 'boolean') throw new Error('a start record needs consumed (integer) and done (boolean)');
    return { t, consumed, done };
  }
  throw new Error(`unknown record type ${JSON.stringify(t)}`);
}

export function parseManifest(text: string, file: string): Manifest {
  const fail = (reason: string): never => {
    throw jobFileError(file, undefined, reason);
  };
  let value: unknown;
  try {
    value = parsePlainJson(text);
  } catch (error) {
    return fail(`not valid JSON (${(error as Error).message})`);
  }
  if (!isRecord(value)) return fail('not a JSON object');
  if (value['v'] !== JOB_SCHEMA_VERSION) return fail(`schema version ${JSON.stringify(value['v'])} is not ${JOB_SCHEMA_VERSION}`);
  if (value['kind'] !== MANIFEST_KIND) return fail(`kind is not ${JSON.stringify(MANIFEST_KIND)}`);
  const { spider, nextId, journal, start, queues } = value;
  if (typeof spider !== 'string') return fail('spider is not a string');
  if (!isId(nextId)) return fail('nextId is not a non-negative integer');
  if (typeof journal !== 'string' || !JOURNAL_NAME.test(journal)) return fail('journal is not a journal file name');
  if (!isRecord(start) || !isId(start['consumed']) || typeof start['done'] !== 'boolean') return fail('start is not { consumed, done }');
  if (!Array.isArray(queues)) return fail('queues is not a list');
  const out: Manifest['queues'] = [];
  for (const q of queues) {
    if (!isRecord(q) || typeof q['priority'] !== 'number' || !Number.isFinite(q['priority'])) return fail('a queue has no finite priority');
    const segments = q['segments'];
    // Names only, matched strictly: a manifest must never point outside the folder.
    if (!Array.isArray(segments) || !segments.every((s) => typeof s === 'string' && SEGMENT_NAME.test(s))) return fail('a queue lists something other than segment file names');
    out.push({ priority: q['priority'], segments: segments as string[] });
  }
  return { spider, nextId, journal, start: { consumed: start['consumed'], done: start['done'] }, queues: out };
}

import { ConfigError, type Crawler, type Request, type Spider } from '@crawl/core';
import { existsSync, mkdirSync, readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { AppendFile, readLines, syncDir, writeFileAtomic } from '../jobdir/files.js';
import { Frontier } from '../jobdir/frontier.js';
import { lockJobDir } from '../jobdir/lock.js';
import { FINGERPRINT, JOURNAL_NAME, MANIFEST_KIND, jobFileError, parseManifest, parseRecord, type JournalRecord, type Manifest } from '../jobdir/records.js';
import { JOB_SCHEMA_VERSION, decodeRequest, encodeRequest } from '../jobdir/request-codec.js';
import { SegmentStore } from '../jobdir/segments.js';
import { SpiderMethods } from '../jobdir/spider-methods.js';
import { duplicateLogger } from './dupefilter.js';
import { FingerprintSet } from './fingerprint-set.js';
import type { JobScheduler, StartProgress } from './job-scheduler.js';
import type { QueueOrder } from './priority-queue.js';

export interface DiskSchedulerOptions {
  /** The job directory (created if missing). */
  dir: string;
  /** Overrides settings.schedulerQueue. */
  order?: QueueOrder;
  /** Requests per priority kept in memory; the rest wait in segment files. */
  window?: number;
  /** Journal records between two checkpoints (compaction into segment files). */
  checkpointEvery?: number;
  /** 'batch': fdatasync at most every syncIntervalMs; 'always': on every flush (slow; for power-loss paranoia). */
  fsync?: 'batch' | 'always';
  syncIntervalMs?: number;
}

export const DISK_SCHEDULER_DEFAULTS = Object.freeze({ window: 1000, checkpointEvery: 100_000, fsync: 'batch', syncIntervalMs: 1000 } as const);

const OPTION_KEYS = new Set(['dir', 'order', 'window', 'checkpointEvery', 'fsync', 'syncIntervalMs']);
const DISK_SCHEDULER = '@crawl/engine/disk-scheduler';
const MANIFEST = 'manifest.json';
const SEEN = 'requests.seen';
const SEEN_HEADER = JSON.stringify({ v: JOB_SCHEMA_VERSION, kind: 'fingerprints' });

export interface DiskScheduler extends JobScheduler {
  /** Takes the folder's lock and loads (validates) the job. */
  open(crawler: Crawler): void;
  /** Writes a final checkpoint and releases the lock. */
  close(crawler?: Crawler, reason?: string): void;
  enqueue(request: Request<any>): boolean;
  next(): Request<any> | undefined;
  size(): number;
  ack(request: Request<any>): void;
  startProgress(done: boolean): void;
  resumedStart(): StartProgress | undefined;
  /** Writes a checkpoint now (also done every checkpointEvery records and at close). */
  checkpoint(): void;
}

/** What an open job holds; undefined while closed. */
interface Job {
  crawler: Crawler;
  spider: Spider<any>;
  methods: SpiderMethods;
  store: SegmentStore;
  frontier: Frontier;
  seen: FingerprintSet;
  seenFile: AppendFile;
  journal: AppendFile;
  journalGen: number;
  nextId: number;
  start: StartProgress;
  resumed: StartProgress | undefined;
  /** Requests handed out and not acknowledged yet: id → stored line and priority. */
  inFlight: Map<number, { line: string; priority: number }>;
  ids: WeakMap<Request<any>, number>;
  records: number;
  flushQueued: boolean;
  timer: NodeJS.Timeout;
  unlock: () => void;
  logDuplicate: (request: Request<any>) => void;
}

/**
 * Scrapy's scheduler with JOBDIR: the frontier, the dupefilter and the start() position live in
 * a job directory as JSON lines, so a crawl stopped by SIGINT, or killed, resumes where it was.
 *
 * On disk: an append-only journal (enqueued requests, acknowledgements, start progress), a
 * checkpoint manifest listing segment files per priority, and the seen fingerprints. A
 * request is pending from its enqueue until its ack; requests in flight at a kill are pending
 * again on resume. Journal lines are written before each ack returns, so a SIGKILL loses at
 * most requests that were still being processed; fdatasync runs in batches (fsync option).
 *
 * Stats: scheduler/enqueued[/disk], scheduler/dequeued[/disk], dupefilter/filtered.
 */
export function diskScheduler(options: DiskSchedulerOptions): DiskScheduler {
  if (typeof options !== 'object' || options === null) throw new ConfigError('diskScheduler needs an options object with dir');
  for (const key of Object.keys(options)) if (!OPTION_KEYS.has(key)) throw new ConfigError(`diskScheduler: unknown option ${key}`);
  const { dir } = options;
  if (typeof dir !== 'string' || dir === '') throw new ConfigError('diskScheduler: dir must be a non-empty folder path');
  const window = options.window ?? DISK_SCHEDULER_DEFAULTS.window;
  const checkpointEvery = options.checkpointEvery ?? DISK_SCHEDULER_DEFAULTS.checkpointEvery;
  const fsyncMode = options.fsync ?? DISK_SCHEDULER_DEFAULTS.fsync;
  const syncIntervalMs = options.syncIntervalMs ?? DISK_SCHEDULER_DEFAULTS.syncIntervalMs;
  if (!Number.isInteger(window) || window < 1) throw new ConfigError(`diskScheduler: window must be an integer >= 1, got ${String(window)}`);
  if (!Number.isInteger(checkpointEvery) || checkpointEvery < 1) throw new ConfigError(`diskScheduler: checkpointEvery must be an integer >= 1, got ${String(checkpointEvery)}`);
  if (fsyncMode !== 'batch' && fsyncMode !== 'always') throw new ConfigError(`diskScheduler: fsync must be 'batch' or 'always', got ${String(fsyncMode)}`);
  if (!Number.isFinite(syncIntervalMs) || syncIntervalMs <= 0) throw new ConfigError(`diskScheduler: syncIntervalMs must be a number > 0, got ${String(syncIntervalMs)}`);
  if (options.order !== undefined && options.order !== 'lifo' && options.order !== 'fifo') throw new ConfigError(`diskScheduler: order must be 'lifo' or 'fifo', got ${String(options.order)}`);

  let job: Job | undefined;

  const opened = (): Job => {
    if (!job) throw new ConfigError('diskScheduler: enqueue()/next() called before open() or after close()');
    return job;
  };

  const flush = (j: Job): void => {
    // Journal before fingerprints: a fingerprint on disk always has its request on disk.
    j.journal.flush();
    j.seenFile.flush();
    if (fsyncMode === 'always') {
      j.journal.sync();
      j.seenFile.sync();
    }
  };

  const flushSoon = (j: Job): void => {
    if (j.flushQueued) return;
    j.flushQueued = true;
    setImmediate(() => {
      j.flushQueued = false;
      if (job === j) flush(j);
    });
  };

  const checkpoint = (j: Job): void => {
    flush(j);
    j.journal.sync();
    j.seenFile.sync();
    const byPriority = new Map<number, string[]>();
    for (const { line, priority } of j.inFlight.values()) {
      const list = byPriority.get(priority);
      if (list) list.push(line);
      else byPriority.set(priority, [line]);
    }
    const queues = j.frontier.snapshot(byPriority);
    j.store.syncAll();
    const journalName = `journal-${j.journalGen + 1}.jsonl`;
    const nextJournal = new AppendFile(join(dir, journalName), true);
    syncDir(dir);
    const manifest = { v: JOB_SCHEMA_VERSION, kind: MANIFEST_KIND, spider: j.spider.name, nextId: j.nextId, journal: journalName, start: j.start, queues };
    writeFileAtomic(join(dir, MANIFEST), `${JSON.stringify(manifest)}\n`);
    // Committed: the old journal and the segments the manifest no longer lists are garbage.
    j.journal.close();
    j.journal = nextJournal;
    j.journalGen++;
    pruneJournals(dir, journalName);
    j.store.prune(new Set(queues.flatMap((q) => q.segments)));
    j.records = 0;
  };

  const counted = (j: Job): void => {
    if (++j.records >= checkpointEvery) checkpoint(j);
  };

  return {
    name: DISK_SCHEDULER,
    open(crawler) {
      if (job) throw new ConfigError('diskScheduler: already open');
      mkdirSync(dir, { recursive: true });
      const unlock = lockJobDir(dir);
      try {
        job = load(crawler, dir, options.order ?? crawler.settings.schedulerQueue, window, unlock);
      } catch (error) {
        unlock();
        throw error;
      }
      const j = job;
      j.timer = setInterval(() => {
        if (job !== j) return;
        flush(j);
        j.journal.sync();
        j.seenFile.sync();
      }, syncIntervalMs);
      j.timer.unref();
      if (j.frontier.size > 0 || j.resumed) crawler.logger.child(DISK_SCHEDULER).info(`Resuming crawl (${j.frontier.size} requests scheduled) from jobDir ${dir}`);
      checkpoint(j);
    },
    close() {
      const j = job;
      if (!j) return;
      clearInterval(j.timer);
      try {
        checkpoint(j);
      } finally {
        j.journal.close();
        j.seenFile.close();
        job = undefined;
        j.unlock();
      }
    },
    enqueue(request) {
      const j = opened();
      const stored = encodeRequest(request, j.methods, j.spider.name);
      let fp: string | undefined;
      if (!request.dontFilter) {
        fp = j.crawler.fingerprint(request);
        if (j.seen.has(fp)) {
          j.logDuplicate(request);
          return false;
        }
        if (!FINGERPRINT.test(fp)) throw new ConfigError(`jobDir: the request fingerprinter returned ${JSON.stringify(fp.slice(0, 40))} for ${String(request)}; job directories need printable single-token fingerprints`);
        j.seen.insert(fp);
        j.seenFile.append(fp);
      }
      const id = j.nextId++;
      const line = JSON.stringify(fp === undefined ? { v: JOB_SCHEMA_VERSION, t: 'enq', id, r: stored } : { v: JOB_SCHEMA_VERSION, t: 'enq', id, fp, r: stored });
      j.journal.append(line);
      j.frontier.push(line, request.priority);
      const { stats } = j.crawler;
      stats.inc('scheduler/enqueued/disk');
      stats.inc('scheduler/enqueued');
      flushSoon(j);
      counted(j);
      return true;
    },
    next() {
      const j = opened();
      const line = j.frontier.pop();
      if (line === undefined) return undefined;
      let request: Request<any>;
      let id: number;
      try {
        const record = parseRecord(line);
        if (record.t !== 'enq') throw new Error(`a queued record of type ${record.t}`);
        request = decodeRequest(record.r, j.methods, j.spider);
        id = record.id;
      } catch (error) {
        throw jobFileError(join(dir, 'seg-*.jsonl'), undefined, `a queued request is invalid: ${(error as Error).message}`);
      }
      j.inFlight.set(id, { line, priority: request.priority });
      j.ids.set(request, id);
      const { stats } = j.crawler;
      stats.inc('scheduler/dequeued/disk');
      stats.inc('scheduler/dequeued');
      return request;
    },
    size() {
      return job?.frontier.size ?? 0;
    },
    ack(request) {
      const j = job;
      const id = j?.ids.get(request);
      if (!j || id === undefined) return;
      j.ids.delete(request);
      j.inFlight.delete(id);
      j.journal.append(`{"v":${JOB_SCHEMA_VERSION},"t":"ack","id":${id}}`);
      // Written before returning: once acknowledged, a request is never downloaded again.
      flush(j);
      counted(j);
    },
    startProgress(done) {
      const j = job;
      if (!j) return;
      if (done) j.start.done = true;
      else j.start.consumed++;
      j.journal.append(JSON.stringify({ v: JOB_SCHEMA_VERSION, t: 'start', consumed: j.start.consumed, done: j.start.done }));
      flush(j);
      counted(j);
    },
    resumedStart() {
      return job?.resumed;
    },
    checkpoint() {
      checkpoint(opened());
    },
  };
}

function pruneJournals(dir: string, keep: string): void {
  for (const name of readdirSync(dir)) if (JOURNAL_NAME.test(name) && name !== keep) unlinkSync(join(dir, name));
}

/**
 * Rebuilds the frontier from the last checkpoint and the journal after it: segments in order,
 * minus acknowledged requests, plus the journal's unacknowledged enqueues. Every record is
 * validated (and decoded against the spider) before the crawl starts.
 */
function load(crawler: Crawler, dir: string, order: QueueOrder, window: number, unlock: () => void): Job {
  const spider = crawler.spider;
  const methods = new SpiderMethods(spider);
  const manifestPath = join(dir, MANIFEST);
  let manifest: Manifest | undefined;
  if (existsSync(manifestPath)) {
    manifest = parseManifest(readFileSync(manifestPath, 'utf8'), manifestPath);
    if (manifest.spider !== spider.name) {
      throw new ConfigError(`jobDir ${dir} belongs to spider ${manifest.spider}, not ${spider.name}; use another folder for this spider`);
    }
  }
  const { seen, cut } = loadSeen(join(dir, SEEN));
  const journalName = manifest?.journal ?? 'journal-0.jsonl';
  const journalPath = join(dir, journalName);
  const acked = new Set<number>();
  const start: StartProgress = manifest ? { ...manifest.start } : { consumed: 0, done: false };
  let nextId = manifest?.nextId ?? 0;
  const journalHas = existsSync(journalPath);
  if (journalHas) {
    for (const { record } of journalRecords(journalPath, methods, spider)) {
      if (record.t === 'ack') acked.add(record.id);
      else if (record.t === 'start') {
        start.consumed = record.consumed;
        start.done = record.done;
      } else {
        if (record.fp !== undefined) seen.insert(record.fp);
        nextId = Math.max(nextId, record.id + 1);
      }
    }
  }

  const store = new SegmentStore(dir);
  const frontier = new Frontier(store, order, window);
  for (const queue of manifest?.queues ?? []) {
    for (const segment of queue.segments) {
      const path = join(dir, segment);
      if (!existsSync(path)) throw jobFileError(manifestPath, undefined, `segment ${segment} is missing`);
      for (const line of readLines(path)) {
        if (line.text === '' && line.complete) continue;
        if (!line.complete) throw jobFileError(path, line.number, 'truncated line (segments are written whole before a checkpoint names them)');
        const record = checked(line.text, path, line.number, methods, spider);
        if (record.t !== 'enq') throw jobFileError(path, line.number, `a "${record.t}" record in a segment`);
        if (acked.has(record.id)) continue;
        nextId = Math.max(nextId, record.id + 1);
        frontier.push(line.text, queue.priority);
      }
    }
  }
  if (journalHas) {
    for (const { record, text, priority } of journalRecords(journalPath, methods, spider)) {
      if (record.t === 'enq' && !acked.has(record.id)) frontier.push(text, priority);
    }
  }
  const journalGen = Number(JOURNAL_NAME.exec(journalName)![1]);
  const seenPath = join(dir, SEEN);
  const seenIsNew = !existsSync(seenPath);
  const seenFile = new AppendFile(seenPath);
  if (seenIsNew) seenFile.append(SEEN_HEADER);
  // An empty line ends the cut one, so the next fingerprint starts on a line of its own.
  else if (cut) seenFile.append('');
  seenFile.sync();
  return {
    crawler,
    spider,
    methods,
    store,
    frontier,
    seen,
    seenFile,
    journal: new AppendFile(journalPath),
    journalGen,
    nextId,
    start,
    resumed: manifest || journalHas ? { ...start } : undefined,
    inFlight: new Map(),
    ids: new WeakMap(),
    records: 0,
    flushQueued: false,
    timer: undefined as unknown as NodeJS.Timeout,
    unlock,
    logDuplicate: duplicateLogger(crawler.stats, crawler.logger.child(DISK_SCHEDULER), crawler.settings.dupefilterDebug),
  };
}

/** Validates a line fully: the record, and for an enqueue the request against the spider. */
function checked(text: string, file: string, number: number, methods: SpiderMethods, spider: Spider<any>): JournalRecord & { priority?: number } {
  try {
    const record = parseRecord(text);
    if (record.t === 'enq') return { ...record, priority: decodeRequest(record.r, methods, spider).priority };
    return record;
  } catch (error) {
    throw jobFileError(file, number, (error as Error).message);
  }
}

function* journalRecords(path: string, methods: SpiderMethods, spider: Spider<any>): Generator<{ record: JournalRecord; text: string; priority: number }> {
  for (const line of readLines(path)) {
    if (line.text === '' && line.complete) continue;
    // A crash can cut the last write short; that line was never acknowledged to anyone.
    if (!line.complete) {
      try {
        parseRecord(line.text);
      } catch {
        continue;
      }
    }
    const record = checked(line.text, path, line.number, methods, spider);
    yield { record, text: line.text, priority: record.priority ?? 0 };
  }
}

/** The seen fingerprints, and whether the file ends in a line a crash cut short. */
function loadSeen(path: string): { seen: FingerprintSet; cut: boolean } {
  // Packed from the start: enqueues here are not latency-bound (each one is JSON on disk).
  const seen = new FingerprintSet(undefined, { packAt: 0 });
  let cut = false;
  if (!existsSync(path)) return { seen, cut };
  for (const line of readLines(path)) {
    // Its request is in the journal with its fingerprint, which is added from there.
    if (!line.complete) {
      cut = true;
      continue;
    }
    if (line.number === 1) {
      if (line.text !== SEEN_HEADER) throw jobFileError(path, 1, `the first line is not ${SEEN_HEADER}`);
      continue;
    }
    if (line.text === '' && line.complete) continue;
    if (!FINGERPRINT.test(line.text)) throw jobFileError(path, line.number, 'not a fingerprint');
    seen.insert(line.text);
  }
  return { seen, cut };
}

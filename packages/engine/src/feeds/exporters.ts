import { ConfigError } from '@crawl/core';
import type { FeedFormat, ResolvedFeedOptions } from './options.js';
import { csvCell, csvField, csvRow, parseCsvHeader, pickFields, toJson, toRecord } from './serialize.js';
import type { ExistingFeed } from './storage.js';

/** Turns items into the text of one feed format. Stateless about I/O: the caller writes what it returns. */
export interface FeedExporter {
  readonly format: FeedFormat;
  /** Text to write first. Throws ConfigError when the existing content cannot be continued. */
  start(existing: ExistingFeed | undefined): string;
  /** The text for one item; throws TypeError when the item cannot be written in this format. */
  item(item: unknown): string;
  /** Text to write last. */
  finish(): string;
}

const LF = 0x0a;

export function createExporter(target: string, options: ResolvedFeedOptions, warn: (message: string) => void): FeedExporter {
  switch (options.format) {
    case 'jsonl':
      return jsonLinesExporter(options);
    case 'json':
      return jsonExporter(target, options);
    case 'csv':
      return csvExporter(target, options, warn);
  }
}

function select(item: unknown, fields: readonly string[] | undefined): unknown {
  if (fields === undefined) return item;
  const record = toRecord(item);
  if (record === undefined) throw new TypeError(`fields are set, so items must be objects; got ${describeItem(item)}`);
  return pickFields(record, fields);
}

function describeItem(item: unknown): string {
  return Array.isArray(item) ? 'an array' : item === null ? 'null' : typeof item;
}

function jsonLinesExporter(options: ResolvedFeedOptions): FeedExporter {
  return {
    format: 'jsonl',
    // An appended file that lost its final newline would glue two items on one line.
    start: (existing) => (existing !== undefined && existing.lastByte !== LF ? '\n' : ''),
    item: (item) => `${toJson(select(item, options.fields))}\n`,
    finish: () => '',
  };
}

function jsonExporter(target: string, options: ResolvedFeedOptions): FeedExporter {
  let first = true;
  return {
    format: 'json',
    start(existing) {
      if (existing !== undefined) {
        throw new ConfigError(
          `Feed ${target}: the file exists and is not empty, and appending a second JSON array would make it invalid JSON. ` +
            'Use overwrite: true (-O on the command line) or the jsonl format, which can be appended to.',
        );
      }
      return '[\n';
    },
    item(item) {
      const text = toJson(select(item, options.fields), options.indent);
      if (first) {
        first = false;
        return text;
      }
      return `,\n${text}`;
    },
    finish: () => '\n]',
  };
}

function csvExporter(target: string, options: ResolvedFeedOptions, warn: (message: string) => void): FeedExporter {
  let fields = options.fields;
  let fieldSet: ReadonlySet<string> | undefined = fields === undefined ? undefined : new Set(fields);
  let headerWritten = false;
  let warnedExtra = false;

  return {
    format: 'csv',
    start(existing) {
      if (existing === undefined) return '';
      // Appending: the file already has a header; continue its columns.
      const header = parseCsvHeader(existing.head);
      if (fields === undefined) {
        fields = header;
        fieldSet = new Set(header);
      } else if (header.join('\u0000') !== fields.join('\u0000')) {
        warn(`CSV feed ${target}: appending with fields ${JSON.stringify(fields)} to a file whose header is ${JSON.stringify(header)}`);
      }
      headerWritten = true;
      return existing.lastByte === LF ? '' : '\r\n';
    },
    item(item) {
      const record = toRecord(item);
      if (record === undefined) throw new TypeError(`CSV rows need object items; got ${describeItem(item)}`);
      let out = '';
      if (fields === undefined || fieldSet === undefined) {
        fields = Object.keys(record);
        fieldSet = new Set(fields);
      }
      if (!headerWritten) {
        headerWritten = true;
        out = csvRow(fields.map(csvField));
      }
      if (!warnedExtra) {
        const extra = Object.keys(record).filter((k) => !fieldSet!.has(k));
        if (extra.length > 0) {
          warnedExtra = true;
          warn(
            `CSV feed ${target}: items have fields that are not columns (${extra.join(', ')}); they are left out. ` +
              'Set the feed\'s fields option to choose the columns. (Reported once.)',
          );
        }
      }
      const cells = new Array<string>(fields.length);
      for (let i = 0; i < fields.length; i++) cells[i] = csvCell(record[fields[i]!]);
      return out + csvRow(cells);
    },
    finish: () => '',
  };
}

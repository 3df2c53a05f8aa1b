import { ConfigError, type Response, type Spider, type SpiderOutput } from '@crawl/core';
import { responseText } from './body-text.js';
import { checkFunction, checkKeys, SPIDER_KEYS } from './check-options.js';
import { csvRecordBatches, iterCsvRecords } from './csv-iter.js';
import { checkChar, feedOutput, mapBatches, streamingStart, type FeedHooks } from './feed-spider.js';
import type { SchemaProvider } from './item-schemas.js';
import { baseFields, type SpiderBaseOptions } from './spider-base.js';
import type { StandardSchemaV1 } from './standard-schema.js';

export type CsvRow = Record<string, string>;

export interface CsvFeedSpiderOptions extends SpiderBaseOptions, FeedHooks {
  /** Default ','. */
  delimiter?: string | undefined;
  /** Default '"'. */
  quotechar?: string | undefined;
  /** Column names; default: the first record of the body. */
  headers?: readonly string[] | undefined;
  /** Called for each row as `{ header: value }`; `this` is the spider. */
  parseRow: (this: CsvFeedSpider, response: Response, row: CsvRow) => SpiderOutput<unknown>;
  /**
   * A record whose field count differs from the headers is skipped (Scrapy's csviter logs it);
   * this hook sees it (1-based record number, headers excluded).
   */
  onBadRow?: ((response: Response, record: readonly string[], recordNumber: number) => void) | undefined;
}

export interface CsvFeedSpider extends Spider<unknown>, SchemaProvider {}

export const CSV_FEED_SPIDER_DEFAULTS: { readonly delimiter: string; readonly quotechar: string } = Object.freeze({ delimiter: ',', quotechar: '"' });

const WHERE = 'csvFeedSpider()';
const KEYS = new Set([...SPIDER_KEYS, 'delimiter', 'quotechar', 'headers', 'parseRow', 'onBadRow', 'adaptResponse', 'processResults']);

/** Scrapy's CSVFeedSpider on a streaming CSV reader: parseRow(response, row) for every record. */
export function csvFeedSpider(options: CsvFeedSpiderOptions): CsvFeedSpider {
  checkKeys(WHERE, options, KEYS);
  const starts = options.start === undefined ? streamingStart(options.startUrls) : undefined;
  const base = baseFields(WHERE, options, starts ? { open: starts.open } : {});
  if (typeof options.parseRow !== 'function') throw new ConfigError(`${WHERE}: option parseRow must be a function`);
  for (const key of ['onBadRow', 'adaptResponse', 'processResults'] as const) checkFunction(WHERE, key, options[key]);
  const delimiter = checkChar(WHERE, 'delimiter', options.delimiter, CSV_FEED_SPIDER_DEFAULTS.delimiter);
  const quotechar = checkChar(WHERE, 'quotechar', options.quotechar, CSV_FEED_SPIDER_DEFAULTS.quotechar);
  if (delimiter === quotechar) throw new ConfigError(`${WHERE}: delimiter and quotechar must differ`);
  const fixedHeaders = options.headers;
  if (fixedHeaders !== undefined && (!Array.isArray(fixedHeaders) || fixedHeaders.length === 0 || !fixedHeaders.every((h) => typeof h === 'string'))) {
    throw new ConfigError(`${WHERE}: option headers must be a non-empty array of strings`);
  }
  const { parseRow, onBadRow, adaptResponse, processResults } = options;
  const schema: StandardSchemaV1 | undefined = options.schema;

  /** Records to rows; the header line and the record count carry over from one batch to the next. */
  function rowMaker(response: Response): (records: Iterable<string[]>) => Generator<CsvRow> {
    let headers: readonly string[] | undefined = fixedHeaders;
    let n = 0;
    return function* rows(records) {
      for (const record of records) {
        if (headers === undefined) {
          headers = record;
          continue;
        }
        n++;
        if (record.length !== headers.length) {
          onBadRow?.(response, record, n);
          continue;
        }
        const row: CsvRow = {};
        for (let i = 0; i < headers.length; i++) row[headers[i]!] = record[i]!;
        yield row;
      }
    };
  }

  return {
    ...(base as { name: string }),
    ...(starts ? { start: starts.start } : {}),
    parse(this: CsvFeedSpider, response: Response): SpiderOutput<unknown> {
      const r = adaptResponse ? adaptResponse(response) : response;
      const rows = rowMaker(r);
      const text = responseText(r);
      const csv = { delimiter, quotechar };
      if (Symbol.asyncIterator in text) {
        return feedOutput(this, r, mapBatches(csvRecordBatches(text, csv), rows), parseRow as never, processResults);
      }
      return feedOutput(this, r, rows(iterCsvRecords(text, csv)), parseRow as never, processResults);
    },
    itemSchemaFor(): StandardSchemaV1 | undefined {
      return schema;
    },
  };
}

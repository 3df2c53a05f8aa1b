export interface CsvOptions {
  /** One character; default ','. */
  delimiter?: string;
  /** One character; default '"'. A doubled quote inside a quoted field is one quote (Python's csv). */
  quotechar?: string;
}

/**
 * A copy of a field that does not keep its chunk alive: V8 makes a slice of 13 or more characters
 * a view into the string it was cut from, so a row value kept by the user would hold its whole
 * 64 KiB text chunk. Concatenating and slicing again forces a flat copy of just the field.
 */
function own(field: string): string {
  return field.length < 13 ? field : (field + ' ').slice(0, -1);
}

/** The push-style core of the CSV reader: text chunks in, the records they complete out. */
export interface CsvRecordReader {
  /** The records that end within `chunk` (a record cut at the chunk's end continues with the next chunk). */
  write(chunk: string): string[][];
  /** The last record, when the text does not end with a line break. */
  end(): string[][];
}

/**
 * A CSV reader as a character state machine (no regex over the body: S11): quoted fields may hold
 * delimiters, newlines and doubled quotes; records end at \n, \r\n or \r. Only the record being
 * read is held between chunks. Blank lines are skipped (Python's csv).
 */
export function csvRecordReader(options: CsvOptions = {}): CsvRecordReader {
  const delim = (options.delimiter ?? ',').charCodeAt(0);
  const quoteChar = options.quotechar ?? '"';
  const quote = quoteChar.charCodeAt(0);
  // The state between chunks; write() works on local copies (the per-character loop is the hot path).
  let record: string[] = [];
  let field = '';
  let inQuotes = false;
  let quoteSeen = false; // a quote inside a quoted field: closing, or the first of a doubled pair
  let fieldStarted = false;
  let pendingCr = false;

  return {
    write(chunk) {
      const ready: string[][] = [];
      let rec = record;
      let fld = field;
      let quoted = inQuotes;
      let seen = quoteSeen;
      let started = fieldStarted;
      let cr = pendingCr;
      // Start of the run of field characters not yet added to fld (-1: none): a field is cut out
      // of the chunk in one slice instead of grown a character at a time.
      let run = -1;
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk.charCodeAt(i);
        if (cr) {
          cr = false;
          if (c === 10) continue;
        }
        if (quoted) {
          if (seen) {
            seen = false;
            if (c === quote) {
              // The second quote of a doubled pair is the field's quote character: it starts a run.
              run = i;
              continue;
            }
            quoted = false;
            // fall through: this character follows the closing quote
          } else {
            if (c === quote) {
              if (run >= 0) fld += chunk.slice(run, i);
              run = -1;
              seen = true;
            } else if (run < 0) run = i;
            continue;
          }
        }
        if (c === delim) {
          if (run >= 0) fld += chunk.slice(run, i);
          run = -1;
          rec.push(own(fld));
          fld = '';
          started = false;
        } else if (c === 10 || c === 13) {
          if (run >= 0) fld += chunk.slice(run, i);
          run = -1;
          if (rec.length > 0 || started || fld !== '') {
            rec.push(own(fld));
            ready.push(rec);
          }
          rec = [];
          fld = '';
          started = false;
          if (c === 13) cr = true;
        } else if (c === quote && !started) {
          quoted = true;
          started = true;
        } else {
          if (run < 0) run = i;
          started = true;
        }
      }
      if (run >= 0) fld += chunk.slice(run);
      record = rec;
      field = fld;
      inQuotes = quoted;
      quoteSeen = seen;
      fieldStarted = started;
      pendingCr = cr;
      return ready;
    },
    end() {
      const last = record;
      const complete = last.length > 0 || fieldStarted || field !== '';
      if (complete) last.push(own(field));
      record = [];
      field = '';
      inQuotes = false;
      quoteSeen = false;
      fieldStarted = false;
      pendingCr = false;
      return complete ? [last] : [];
    },
  };
}

/** Streams CSV records from text chunks (see csvRecordReader): only the record being read is held. */
export function* iterCsvRecords(chunks: Iterable<string>, options: CsvOptions = {}): Generator<string[]> {
  const reader = csvRecordReader(options);
  for (const chunk of chunks) yield* reader.write(chunk);
  yield* reader.end();
}

/**
 * The records of text chunks that arrive asynchronously (a streamed body), one array per chunk:
 * iterating a batch is synchronous, so a consumer pays the async step per chunk, not per record.
 */
export async function* csvRecordBatches(chunks: AsyncIterable<string> | Iterable<string>, options: CsvOptions = {}): AsyncGenerator<string[][]> {
  const reader = csvRecordReader(options);
  for await (const chunk of chunks) {
    const records = reader.write(chunk);
    if (records.length > 0) yield records;
  }
  const last = reader.end();
  if (last.length > 0) yield last;
}

/** iterCsvRecords for text chunks that arrive asynchronously, e.g. a streamed response body. */
export async function* iterCsvRecordsAsync(chunks: AsyncIterable<string> | Iterable<string>, options: CsvOptions = {}): AsyncGenerator<string[]> {
  for await (const records of csvRecordBatches(chunks, options)) yield* records;
}

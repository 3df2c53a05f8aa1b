export interface CsvOptions {
  /** One character; default ','. */
  delimiter?: string;
  /** One character; default '"'. A doubled quote inside a quoted field is one quote (Python's csv). */
  quotechar?: string;
}

/**
 * Streams CSV records from text chunks with a character state machine (no regex over the body:
 * S11): quoted fields may hold delimiters, newlines and doubled quotes; records end at \n, \r\n
 * or \r. Only the record being read is held in memory. Blank lines are skipped (Python's csv).
 */
export function* iterCsvRecords(chunks: Iterable<string>, options: CsvOptions = {}): Generator<string[]> {
  const delim = (options.delimiter ?? ',').charCodeAt(0);
  const quoteChar = options.quotechar ?? '"';
  const quote = quoteChar.charCodeAt(0);
  let record: string[] = [];
  let field = '';
  let inQuotes = false;
  let quoteSeen = false; // a quote inside a quoted field: closing, or the first of a doubled pair
  let fieldStarted = false;
  let pendingCr = false;
  const ready: string[][] = [];

  const endField = (): void => {
    record.push(field);
    field = '';
    fieldStarted = false;
  };
  const endRecord = (): void => {
    if (record.length > 0 || fieldStarted || field !== '') {
      endField();
      ready.push(record);
    }
    record = [];
  };

  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (pendingCr) {
        pendingCr = false;
        if (c === 10) continue;
      }
      if (inQuotes) {
        if (quoteSeen) {
          quoteSeen = false;
          if (c === quote) {
            field += quoteChar;
            continue;
          }
          inQuotes = false;
          // fall through: this character follows the closing quote
        } else {
          if (c === quote) quoteSeen = true;
          else field += chunk[i];
          continue;
        }
      }
      if (c === delim) endField();
      else if (c === 10 || c === 13) {
        endRecord();
        if (c === 13) pendingCr = true;
      } else if (c === quote && !fieldStarted) {
        inQuotes = true;
        fieldStarted = true;
      } else {
        field += chunk[i];
        fieldStarted = true;
      }
    }
    while (ready.length > 0) yield ready.shift()!;
  }
  if (quoteSeen) inQuotes = false;
  endRecord();
  while (ready.length > 0) yield ready.shift()!;
}

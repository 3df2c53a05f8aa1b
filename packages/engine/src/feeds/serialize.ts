/**
 * Item → JSON text. JSON.stringify already applies toJSON (Dates become ISO strings, typed
 * item classes may define their own) and keeps own enumerable properties; the replacer adds
 * what it refuses or garbles: BigInt (→ decimal string), Map (→ object), Set (→ array).
 */
function replacer(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  return value;
}

/** Throws a TypeError naming the problem when the item cannot be written as JSON (cycles, functions). */
export function toJson(value: unknown, indent?: number): string {
  const text = JSON.stringify(value, replacer, indent);
  if (text === undefined) throw new TypeError(`cannot serialise ${typeof value} as JSON`);
  return text;
}

/** The object whose fields are exported: an item's toJSON() result when it has one, else the item. */
export function toRecord(item: unknown): Record<string, unknown> | undefined {
  let value = item;
  if (typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(key: string): unknown }).toJSON('');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  if (value instanceof Map) return Object.fromEntries(value) as Record<string, unknown>;
  return value as Record<string, unknown>;
}

/** Only `fields`, in that order; fields the item lacks are left out (Scrapy's exporters). */
export function pickFields(record: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f in record && record[f] !== undefined) out[f] = record[f];
  return out;
}

const NEEDS_QUOTES = /[",\r\n]/;

/** RFC 4180 field: quoted when it holds a comma, quote or line break, quotes doubled. */
export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A value as CSV cell text: scalars as text, Dates as ISO strings, objects and arrays as JSON. */
export function csvCell(value: unknown): string {
  let v = value;
  if (typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    v = (v as { toJSON(key: string): unknown }).toJSON('');
  }
  if (v === undefined || v === null) return '';
  switch (typeof v) {
    case 'string':
      return csvField(v);
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(v);
    default:
      return csvField(toJson(v));
  }
}

export function csvRow(cells: readonly string[]): string {
  return `${cells.join(',')}\r\n`;
}

/** The first record of CSV text (an existing file's header), unquoted. */
export function parseCsvHeader(text: string): string[] {
  const fields: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\r' || ch === '\n') break;
    else field += ch;
    i++;
  }
  fields.push(field);
  return fields;
}

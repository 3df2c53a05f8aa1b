/** A parsed `<meta http-equiv="refresh">` content value. */
export interface Refresh {
  /** Seconds before the refresh. */
  readonly delay: number;
  /** The URL as written (not yet resolved), or undefined for a reload of the page itself. */
  readonly url: string | undefined;
}

const WS = /[\t\n\f\r ]/;
const DELAY = /^[\t\n\f\r ]*(\d*(?:\.\d*)?)/;
const URL_PREFIX = /^url[\t\n\f\r ]*=[\t\n\f\r ]*/i;

/**
 * Parses a refresh `content` value ("5; url=/next") the way the HTML standard's "shared
 * declarative refresh steps" do: a delay, then `;` or `,` or whitespace, an optional `url=`,
 * and the URL, optionally quoted. Returns undefined when the value is not a refresh at all.
 */
export function parseRefreshContent(content: string): Refresh | undefined {
  const m = DELAY.exec(content)!;
  const number = m[1]!;
  if (number === '' || number === '.') return undefined;
  const delay = Number.parseFloat(number.startsWith('.') ? `0${number}` : number);
  // Further digits and dots ("5.5.5") carry no meaning but are allowed.
  let rest = content.slice(m[0].length).replace(/^[\d.]+/, '');
  if (rest.trim() === '') return { delay, url: undefined };
  const sep = rest[0]!;
  if (sep !== ';' && sep !== ',' && !WS.test(sep)) return undefined;
  rest = rest.replace(/^[\t\n\f\r ]*[;,]?[\t\n\f\r ]*/, '').replace(URL_PREFIX, '');
  const quote = rest[0];
  if (quote === '"' || quote === "'") {
    const end = rest.indexOf(quote, 1);
    rest = end < 0 ? rest.slice(1) : rest.slice(1, end);
  }
  const url = rest.trim();
  return { delay, url: url === '' ? undefined : url };
}

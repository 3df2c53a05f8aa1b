// RFC 9309 2.2.1: a product token is letters, '_' and '-' ("ExampleBot" in "ExampleBot/1.0 (+url)").
const PRODUCT_TOKEN = /^\s*([A-Za-z_-]+)/;

/** The product token at the start of a User-Agent header, if it starts with one. */
export function productToken(userAgent: string): string | undefined {
  return PRODUCT_TOKEN.exec(userAgent)?.[1];
}

/** Items are plain objects or class instances: fields are read and written as properties. */
export function readField(item: object, field: string): unknown {
  return (item as Record<string, unknown>)[field];
}

/** Like Scrapy's `with suppress(KeyError)`: an item that cannot take the field (frozen, sealed) keeps its shape. */
export function writeField(item: object, field: string, value: unknown): boolean {
  try {
    (item as Record<string, unknown>)[field] = value;
    return true;
  } catch {
    return false;
  }
}

/** A least-recently-used map with a hard size bound: the per-URL results of a long crawl must not grow forever. */
export interface BoundedCache<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): void;
  readonly size: number;
  clear(): void;
}

export function boundedCache<K, V>(max: number): BoundedCache<K, V> {
  const map = new Map<K, V>();
  return {
    get(key) {
      const value = map.get(key);
      if (value !== undefined) {
        // Map iteration order is insertion order: re-inserting marks the entry as most recent.
        map.delete(key);
        map.set(key, value);
      }
      return value;
    },
    set(key, value) {
      if (max <= 0) return;
      map.delete(key);
      map.set(key, value);
      if (map.size > max) map.delete(map.keys().next().value as K);
    },
    get size() {
      return map.size;
    },
    clear() {
      map.clear();
    },
  };
}

/**
 * Maps a key to an index in [0, size) with 32-bit FNV-1a: the same site gets the same profile in
 * every crawl, and no per-site table grows with a broad crawl's millions of domains.
 */
export function stableIndex(key: string, size: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % size;
}

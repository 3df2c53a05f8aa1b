/** Every way a fault-site URL can misbehave. */
export type FaultKind =
  | 'status-500'
  | 'status-502'
  | 'status-503'
  | 'status-429'
  | 'status-429-retry-after'
  | 'status-503-retry-after-date'
  | 'reset-before-headers'
  | 'reset-after-headers'
  | 'stall'
  | 'truncated'
  | 'bad-chunked'
  | 'bad-gzip'
  | 'slow-drip'
  | 'redirect-loop'
  | 'redirect-chain'
  | 'huge-headers'
  | 'image-html';

export const FAULT_KINDS: readonly FaultKind[] = [
  'status-500',
  'status-502',
  'status-503',
  'status-429',
  'status-429-retry-after',
  'status-503-retry-after-date',
  'reset-before-headers',
  'reset-after-headers',
  'stall',
  'truncated',
  'bad-chunked',
  'bad-gzip',
  'slow-drip',
  'redirect-loop',
  'redirect-chain',
  'huge-headers',
  'image-html',
];

/** What the site does to one URL: fail its first `failFirst` attempts with `kind`, then succeed. */
export interface Fault {
  kind: FaultKind;
  /** Attempts that fail before the URL succeeds; `Infinity` = never succeeds. */
  failFirst: number;
}

export interface FaultRule {
  kind: FaultKind;
  /** Share of matching URLs (0–1) that get this fault. */
  share: number;
  /** Attempts that fail before success (default 1); `Infinity` for a permanent fault. */
  failFirst?: number | [min: number, max: number];
  /** Which URLs the rule applies to (default: pages, not images). */
  applies?: 'pages' | 'images' | 'all';
}

/** FNV-1a over the seed and the key, then a xorshift round: a stable uniform number in [0, 1). */
export function unitHash(seed: number, key: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h << 13;
  h ^= h >>> 17;
  h ^= h << 5;
  return (h >>> 0) / 0x1_0000_0000;
}

/**
 * The fault for a path, or undefined: rules are stacked in order over [0, 1), so their shares add up
 * (a path gets at most one fault) and the same seed always gives the same plan.
 */
export function planFault(seed: number, rules: readonly FaultRule[], path: string, isImage: boolean): Fault | undefined {
  const u = unitHash(seed, path);
  let edge = 0;
  for (const rule of rules) {
    const applies = rule.applies ?? 'pages';
    if (applies === 'pages' && isImage) continue;
    if (applies === 'images' && !isImage) continue;
    edge += rule.share;
    if (u < edge) {
      const f = rule.failFirst ?? 1;
      if (typeof f === 'number') return { kind: rule.kind, failFirst: f };
      const span = f[1] - f[0] + 1;
      return { kind: rule.kind, failFirst: f[0] + Math.floor(unitHash(seed + 1, path) * span) };
    }
  }
  return undefined;
}

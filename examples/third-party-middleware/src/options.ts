import { ConfigError, Headers } from '@crawl/core';

/** One identity: headers that belong together (a browser's User-Agent with its Accept headers). */
export type HeaderProfile = Readonly<Record<string, string>>;

export interface HeaderRotationOptions {
  /** The profiles to rotate through, each applied as a whole. At least one. */
  profiles: readonly HeaderProfile[];
  /** How a request picks a profile when `scope` is `'request'`. */
  strategy?: 'round-robin' | 'random';
  /**
   * `'request'`: each request picks a profile. `'slot'`: every request through one downloader slot
   * (one site, or one `meta.downloadSlot`) gets the same profile, chosen from the slot key, so a
   * site sees one consistent client, in this crawl and the next.
   */
  scope?: 'request' | 'slot';
  /** Replace headers the request already has. Default false: headers set by the spider win. */
  override?: boolean;
  /**
   * Position in the downloader-middleware chain. 390 runs before default-headers (400) and
   * user-agent (500), whose defaults then only fill what the profile left out.
   */
  order?: number;
}

export interface HeaderRotationDefaults {
  readonly strategy: 'round-robin';
  readonly scope: 'request';
  readonly override: false;
  readonly order: number;
}

export const HEADER_ROTATION_DEFAULTS: HeaderRotationDefaults = Object.freeze({
  strategy: 'round-robin',
  scope: 'request',
  override: false,
  order: 390,
});

/** Options checked once, profiles turned into name/value pairs for the per-request loop. */
export interface ResolvedHeaderRotation {
  readonly profiles: readonly (readonly (readonly [string, string])[])[];
  readonly strategy: 'round-robin' | 'random';
  readonly scope: 'request' | 'slot';
  readonly override: boolean;
  readonly order: number;
}

const KNOWN = ['profiles', 'strategy', 'scope', 'override', 'order'];
const STRATEGIES = ['round-robin', 'random'] as const;
const SCOPES = ['request', 'slot'] as const;

export function resolveHeaderRotationOptions(options: HeaderRotationOptions): ResolvedHeaderRotation {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`headerRotation() needs an options object with "profiles", got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.includes(key)) throw new ConfigError(`headerRotation(): unknown option "${key}" (known: ${KNOWN.join(', ')})`);
  }
  const strategy = options.strategy ?? HEADER_ROTATION_DEFAULTS.strategy;
  if (!(STRATEGIES as readonly unknown[]).includes(strategy)) {
    throw new ConfigError(`headerRotation(): option "strategy" must be one of ${STRATEGIES.join(', ')}, got ${describe(strategy)}`);
  }
  const scope = options.scope ?? HEADER_ROTATION_DEFAULTS.scope;
  if (!(SCOPES as readonly unknown[]).includes(scope)) {
    throw new ConfigError(`headerRotation(): option "scope" must be one of ${SCOPES.join(', ')}, got ${describe(scope)}`);
  }
  const override = options.override ?? HEADER_ROTATION_DEFAULTS.override;
  if (typeof override !== 'boolean') throw new ConfigError(`headerRotation(): option "override" must be a boolean, got ${describe(override)}`);
  const order = options.order ?? HEADER_ROTATION_DEFAULTS.order;
  if (typeof order !== 'number' || !Number.isFinite(order)) {
    throw new ConfigError(`headerRotation(): option "order" must be a finite number, got ${describe(order)}`);
  }
  return { profiles: resolveProfiles(options.profiles), strategy, scope, override, order };
}

function resolveProfiles(profiles: unknown): (readonly (readonly [string, string])[])[] {
  if (!Array.isArray(profiles) || profiles.length === 0) {
    throw new ConfigError(`headerRotation(): option "profiles" must be a non-empty array of header objects, got ${describe(profiles)}`);
  }
  return profiles.map((profile: unknown, index) => {
    const where = `headerRotation(): profiles[${index}]`;
    if (typeof profile !== 'object' || profile === null || Array.isArray(profile)) {
      throw new ConfigError(`${where} must be an object of header names to values, got ${describe(profile)}`);
    }
    const entries = Object.entries(profile);
    if (entries.length === 0) throw new ConfigError(`${where} has no headers`);
    // Headers validates names and values (no CR/LF smuggling) with the same rules as a Request.
    const probe = new Headers();
    for (const [name, value] of entries) {
      if (typeof value !== 'string') throw new ConfigError(`${where}: header "${name}" must be a string, got ${describe(value)}`);
      if (probe.has(name)) throw new ConfigError(`${where}: header "${name}" is given twice (names are case-insensitive)`);
      try {
        probe.set(name, value);
      } catch (cause) {
        throw new ConfigError(`${where}: invalid header "${name}": ${(cause as Error).message}`, { cause });
      }
    }
    return entries as [string, string][];
  });
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

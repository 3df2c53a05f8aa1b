import { ConfigError } from '@crawl/core';

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

/** Throws a ConfigError naming the factory and the option. */
export function fail(owner: string, key: string, expected: string, value: unknown): never {
  throw new ConfigError(`${owner} option ${key} must be ${expected}, got ${describe(value)}`);
}

/** Rejects anything but a plain options object, and keys outside `known`. */
export function checkKeys(owner: string, options: unknown, known: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`${owner} options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new ConfigError(`${owner}: unknown option "${key}" (known: ${known.join(', ')})`);
  }
  return options as Record<string, unknown>;
}

export function bool(owner: string, key: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(owner, key, 'a boolean', value);
  return value;
}

export function statusCodes(owner: string, key: string, value: unknown): readonly number[] {
  if (!Array.isArray(value) || !value.every((c) => Number.isInteger(c) && c >= 100 && c <= 999)) {
    fail(owner, key, 'an array of HTTP status codes (100-999)', value);
  }
  return [...(value as number[])];
}

const SCHEME = /^[a-z][a-z0-9+.-]*$/;

/** URL schemes without the colon, compared lower-cased like request.scheme. */
export function schemes(owner: string, key: string, value: unknown): readonly string[] {
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string' && SCHEME.test(s.toLowerCase()))) {
    fail(owner, key, "an array of URL schemes without ':' (e.g. ['file'])", value);
  }
  return (value as string[]).map((s) => s.toLowerCase());
}

/** Cache-Control directive names, lower-cased (parsed names are). */
export function directives(owner: string, key: string, value: unknown): readonly string[] {
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string' && /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(s))) {
    fail(owner, key, "an array of Cache-Control directive names (e.g. ['no-store'])", value);
  }
  return (value as string[]).map((s) => s.toLowerCase());
}

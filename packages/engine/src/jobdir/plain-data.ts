/**
 * Where `value` stops being plain JSON data (null, booleans, strings, finite numbers, arrays and
 * plain objects), as a path like `meta.when`, or undefined when it is plain throughout. Job
 * files hold plain data only, so anything else (a Date, a Map, a function, a class instance)
 * must be refused when written instead of being silently changed by JSON.stringify.
 */
export function nonPlainPath(value: unknown, path: string, depth = 0): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path} (${String(value)} is not a finite number)`;
  if (depth > 64) return `${path} (nested more than 64 levels)`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = nonPlainPath(value[i], `${path}[${i}]`, depth + 1);
      if (bad !== undefined) return bad;
    }
    return undefined;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      const ctor = (value as { constructor?: { name?: string } }).constructor?.name ?? 'an object with a custom prototype';
      return `${path} (a ${ctor}, not a plain object)`;
    }
    for (const key of Object.keys(value)) {
      if (key === '__proto__') return `${path}.__proto__ (reserved key)`;
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined) continue;
      const bad = nonPlainPath(v, `${path}.${key}`, depth + 1);
      if (bad !== undefined) return bad;
    }
    return undefined;
  }
  return `${path} (a ${typeof value})`;
}

/** True for a non-null, non-array object as JSON.parse produces it. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * JSON.parse that refuses `__proto__` keys, so a tampered file cannot smuggle a prototype into
 * an object that some code later copies with Object.assign. The reviver (slow) only runs on the
 * rare line that mentions the key.
 */
export function parsePlainJson(text: string): unknown {
  if (!text.includes('__proto__')) return JSON.parse(text);
  return JSON.parse(text, function reviver(this: unknown, key: string, value: unknown) {
    if (key === '__proto__') throw new SyntaxError('the key "__proto__" is not allowed');
    return value;
  });
}

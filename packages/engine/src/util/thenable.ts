/** True for promises and promise-likes; lets hot paths skip `await` on plain values. */
export function isThenable<T = unknown>(value: unknown): value is PromiseLike<T> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

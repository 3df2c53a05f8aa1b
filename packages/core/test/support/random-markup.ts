/** A small deterministic PRNG, so a failure names a reproducible input. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** `count` markup-like strings of 1 to 40 pieces each, drawn with `random(seed)`. */
export function* randomMarkup(seed: number, pieces: readonly string[], count: number): Generator<string> {
  const next = random(seed);
  for (let i = 0; i < count; i++) {
    let text = '';
    const length = 1 + Math.floor(next() * 40);
    for (let j = 0; j < length; j++) text += pieces[Math.floor(next() * pieces.length)];
    yield text;
  }
}

import { describe, expect, it } from 'vitest';
import { peakGrowthDuring } from '../src/index.js';

describe('peakGrowthDuring', () => {
  it('reports the highest sample above the first one, and the result of fn', async () => {
    let level = 10;
    const { growth, result } = await peakGrowthDuring(
      async () => {
        level = 50;
        await new Promise((resolve) => setTimeout(resolve, 30));
        level = 20;
        return 'done';
      },
      () => level,
      2,
    );
    expect(result).toBe('done');
    expect(growth).toBe(40);
  });

  it('stops sampling when fn fails, and rethrows', async () => {
    let samples = 0;
    await expect(peakGrowthDuring(() => Promise.reject(new Error('boom')), () => ++samples, 1)).rejects.toThrow('boom');
    const after = samples;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(samples).toBe(after);
  });
});

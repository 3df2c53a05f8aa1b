import { describe, expect, it } from 'vitest';
import { ImageGate } from '../src/limiter.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ImageGate', () => {
  it('runs at most `concurrency` conversions, the rest in arrival order', async () => {
    const gate = new ImageGate(2, 100);
    const started: number[] = [];
    const blockers = [0, 1, 2, 3].map(() => deferred());
    const runs = blockers.map((b, i) =>
      gate.convert(async () => {
        started.push(i);
        await b.promise;
        return i;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    blockers[1]!.resolve();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    for (const b of blockers) b.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('releases a slot when a conversion fails', async () => {
    const gate = new ImageGate(1, 1);
    await expect(gate.convert(() => Promise.reject(new Error('bad image')))).rejects.toThrow('bad image');
    expect(await gate.convert(async () => 'next')).toBe('next');
  });

  it('holds items beyond `items` while images convert', async () => {
    const gate = new ImageGate(1, 2);
    const events: string[] = [];
    const converting = deferred();
    const item = (name: string, finish: Promise<void>) =>
      gate.item(async () => {
        events.push(`${name} in`);
        await gate.convert(async () => {
          events.push(`${name} converts`);
          await converting.promise;
        });
        await finish;
        events.push(`${name} done`);
      });
    const finishA = deferred();
    const a = item('a', finishA.promise);
    const b = item('b', Promise.resolve());
    const c = item('c', Promise.resolve());
    await tick();
    // a converts, b's image queues behind it: c waits outside.
    expect(events).toEqual(['a in', 'a converts', 'b in']);
    converting.resolve();
    await tick();
    // Once b's conversion ended with nothing queued, c came in; a still waits for its own finish.
    expect(events.slice(0, 4)).toEqual(['a in', 'a converts', 'b in', 'b converts']);
    expect(events.slice(4).sort()).toEqual(['b done', 'c converts', 'c done', 'c in']);
    finishA.resolve();
    await Promise.all([a, b, c]);
    expect(events.at(-1)).toBe('a done');
  });

  it('lets one more item in each time sharp would idle, so slow downloads still keep it busy', async () => {
    const gate = new ImageGate(1, 1);
    const events: string[] = [];
    const finishA = deferred();
    const a = gate.item(async () => {
      events.push('a in');
      await gate.convert(async () => void events.push('a converts'));
      // a's image is converted but a is not done (storing, or waiting on a slow download).
      await finishA.promise;
    });
    const b = gate.item(async () => void events.push('b in'));
    await tick();
    expect(events).toEqual(['a in', 'a converts', 'b in']);
    finishA.resolve();
    await Promise.all([a, b]);
  });

  it('passes items that convert nothing (images already stored) straight through one after another', async () => {
    const gate = new ImageGate(1, 1);
    const results = await Promise.all([1, 2, 3].map((n) => gate.item(async () => n * 2)));
    expect(results).toEqual([2, 4, 6]);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { thumbnailSize } from '../src/index.js';

// Sizes Pillow's Image.thumbnail() produced for these inputs (see the file's producedBy).
const reference = JSON.parse(readFileSync(new URL('./pillow-thumbnail-sizes.json', import.meta.url), 'utf8')) as {
  cases: [number, number, [number, number], [number, number]][];
};

describe('thumbnailSize', () => {
  it("matches Pillow's thumbnail() on every reference case", () => {
    expect(reference.cases.length).toBeGreaterThan(70);
    for (const [w, h, box, expected] of reference.cases) {
      expect([w, h, box, thumbnailSize(w, h, box) ?? [w, h]]).toEqual([w, h, box, expected]);
    }
  });

  it('never enlarges and returns undefined when the image already fits', () => {
    expect(thumbnailSize(150, 150, [270, 270])).toBeUndefined();
    expect(thumbnailSize(270, 270, [270, 270])).toBeUndefined();
    expect(thumbnailSize(100, 300, [500, 50])).toEqual([17, 50]);
  });
});

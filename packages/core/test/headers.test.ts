import { describe, expect, it } from 'vitest';
import { Headers } from '../src/index.js';

// Headers keep their names in insertion order in a list, indexed by a Map past eight names: both
// forms must behave as the Map they replaced (order, replacement in place, case, deletion).
describe.each([3, 20])('Headers with %i names', (count) => {
  const names = Array.from({ length: count }, (_, i) => `X-Name-${i}`);
  const filled = () => {
    const h = new Headers();
    for (const [i, name] of names.entries()) h.set(name, String(i));
    return h;
  };

  it('keeps insertion order; set() of a present name replaces it in place, with the new spelling', () => {
    const h = filled();
    h.set('x-name-1', 'again');
    expect(h.names()).toEqual([names[0], 'x-name-1', ...names.slice(2)]);
    expect(h.get('X-NAME-1')).toBe('again');
    expect(h.size).toBe(count);
  });

  it('finds every name case-insensitively, and appends to the right entry', () => {
    const h = filled();
    for (const [i, name] of names.entries()) expect(h.get(name.toUpperCase())).toBe(String(i));
    h.append(names[count - 1]!.toLowerCase(), 'more');
    expect(h.getAll(names[count - 1]!)).toEqual([String(count - 1), 'more']);
    expect(h.setDefault(names[0]!, 'no')).toBe(false);
    expect(h.setDefault('X-New', 'yes')).toBe(true);
    expect(h.names().at(-1)).toBe('X-New');
  });

  it('delete() removes a name; adding it again puts it last', () => {
    const h = filled();
    expect(h.delete('X-NAME-0')).toBe(true);
    expect(h.delete('X-NAME-0')).toBe(false);
    expect(h.has(names[0]!)).toBe(false);
    expect(h.get(names[0]!)).toBeUndefined();
    h.append(names[0]!, 'back');
    expect(h.names()).toEqual([...names.slice(1), names[0]]);
    expect(h.toRawPairs().slice(-2)).toEqual([names[0], 'back']);
  });

  it('clones independently and serialises as before', () => {
    const h = filled();
    const copy = h.clone();
    copy.set(names[0]!, 'changed');
    copy.append('Set-Cookie', 'a=1');
    copy.append('Set-Cookie', 'b=2');
    expect(h.get(names[0]!)).toBe('0');
    expect(h.has('set-cookie')).toBe(false);
    expect(copy.toJSON()['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(copy.toJSON()[names[0]!.toLowerCase()]).toBe('changed');
    expect([...copy].length).toBe(count + 2);
  });

  it('forEach() visits every header line as iterating does: value, name as first spelled, the headers', () => {
    const h = filled();
    h.append(names[1]!.toLowerCase(), 'second line');
    const seen: [string, string][] = [];
    h.forEach((value, name, headers) => {
      expect(headers).toBe(h);
      seen.push([name, value]);
    });
    expect(seen).toEqual([...h]);
    expect(seen.filter(([name]) => name === names[1])).toEqual([
      [names[1], '1'],
      [names[1], 'second line'],
    ]);
  });
});

import { PassThrough, Readable, Transform } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { pipeBodyStream } from '../src/index.js';

const upper = (): Transform =>
  new Transform({
    transform(chunk: Buffer, _e, cb) {
      cb(null, Buffer.from(chunk.toString().toUpperCase()));
    },
  });

async function text(stream: AsyncIterable<Uint8Array>): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += Buffer.from(chunk).toString();
  return out;
}

describe('pipeBodyStream()', () => {
  it('passes the body through the stages and calls onEnd once the reader has it all', async () => {
    let ended = 0;
    const out = pipeBodyStream(Readable.from([Buffer.from('ab'), Buffer.from('c')], { objectMode: false }), [upper()], { onEnd: () => ended++ });
    expect(await text(out)).toBe('ABC');
    expect(ended).toBe(1);
  });

  it("keeps a source error that happens before anyone reads, for the first read, unchanged", async () => {
    const source = new PassThrough();
    const out = pipeBodyStream(source, [upper()], { mapStageError: () => new Error('mapped') });
    source.destroy(new Error('download timed out'));
    await new Promise((r) => setTimeout(r, 10));
    await expect(text(out)).rejects.toThrow('download timed out');
  });

  it('maps a stage error, and destroys the source with it', async () => {
    const source = new PassThrough();
    const failing = new Transform({
      transform(_chunk, _e, cb) {
        cb(new Error('corrupt'));
      },
    });
    const out = pipeBodyStream(source, [failing], { mapStageError: (e) => new TypeError(`decoding: ${e.message}`) });
    source.write('x');
    await expect(text(out)).rejects.toThrow(TypeError);
    expect(source.destroyed).toBe(true);
  });

  it('destroys the source when the reader gives up early', async () => {
    const source = new PassThrough();
    const out = pipeBodyStream(source, []);
    source.write('first');
    for await (const _ of out) break;
    await new Promise((r) => setImmediate(r));
    expect(source.destroyed).toBe(true);
  });
});

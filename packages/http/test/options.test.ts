import { describe, expect, it } from 'vitest';
import { ConfigError, Request } from '@crawl/core';
import { HTTP_HANDLER_DEFAULTS, httpHandler, type HttpHandlerOptions } from '../src/index.js';
import { fakeCrawler } from './support.js';

describe('httpHandler options', () => {
  it('exports its defaults', () => {
    expect(HTTP_HANDLER_DEFAULTS).toEqual({
      keepAliveTimeout: 4,
      pipelining: 1,
      tlsVerify: true,
      maxHeaderSize: 65536,
      connectTimeout: 10,
      wasmTierUp: false,
    });
    expect(Object.isFrozen(HTTP_HANDLER_DEFAULTS)).toBe(true);
  });

  it('rejects unknown keys, naming them', () => {
    expect(() => httpHandler({ tlsverify: false } as unknown as HttpHandlerOptions)).toThrow(ConfigError);
    expect(() => httpHandler({ tlsverify: false } as unknown as HttpHandlerOptions)).toThrow(/"tlsverify"/);
  });

  it.each([
    [{ connections: 0 }, /connections/],
    [{ connections: 1.5 }, /connections/],
    [{ pipelining: -1 }, /pipelining/],
    [{ keepAliveTimeout: 0 }, /keepAliveTimeout/],
    [{ connectTimeout: Number.NaN }, /connectTimeout/],
    [{ maxHeaderSize: '1k' }, /maxHeaderSize/],
    [{ tlsVerify: 'no' }, /tlsVerify/],
    [{ lookup: 'dns' }, /lookup/],
    [{ bindAddress: '' }, /bindAddress/],
    [{ wasmTierUp: 'yes' }, /wasmTierUp must be a boolean/],
  ])('rejects bad values: %o', (options, pattern) => {
    expect(() => httpHandler(options as unknown as HttpHandlerOptions)).toThrow(ConfigError);
    expect(() => httpHandler(options as unknown as HttpHandlerOptions)).toThrow(pattern);
  });

  it('rejects bad per-request meta with ConfigError instead of crashing', async () => {
    const handler = httpHandler();
    const crawler = fakeCrawler();
    const cases: Record<string, unknown>[] = [{ tlsVerify: 'yes' }, { bindAddress: 7 }, { downloadMaxSize: -1 }, { downloadWarnSize: 'big' }];
    for (const meta of cases) {
      const error = await handler.download(new Request('http://127.0.0.1:9/', { meta }), crawler).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(`meta.${Object.keys(meta)[0]}`);
    }
    await handler.close?.(crawler, 'finished');
  });
});

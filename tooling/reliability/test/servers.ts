import { startTestServer, type RouteHandler, type TestServer } from '@crawl/test-servers';

/** Servers started by a test file, closed after each test. */
export class ServerPool {
  private readonly open: { close(): Promise<void> }[] = [];

  async start(host: string, routes: Record<string, RouteHandler>, fallback?: RouteHandler): Promise<TestServer> {
    const server = await startTestServer({ host, routes, ...(fallback === undefined ? {} : { fallback }) });
    this.open.push(server);
    return server;
  }

  track<T extends { close(): Promise<void> }>(thing: T): T {
    this.open.push(thing);
    return thing;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.open.splice(0).map((s) => s.close()));
  }
}

export const redirectTo =
  (location: string, status = 302): RouteHandler =>
  (_req, res) => {
    res.writeHead(status, { Location: location, 'Content-Length': '0' });
    res.end();
  };

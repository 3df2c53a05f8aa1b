import { connect, type Socket } from 'node:net';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startFtpServer, type FtpTestServer } from '../src/index.js';

const servers: FtpTestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(...args: Parameters<typeof startFtpServer>): Promise<FtpTestServer> {
  const server = await startFtpServer(...args);
  servers.push(server);
  return server;
}

/** A minimal FTP control client: send a line, read the next complete reply. */
function control(port: number): Promise<{ socket: Socket; reply(line?: string): Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buffer = '';
    const waiting: ((text: string) => void)[] = [];
    const complete = /^(\d{3}) [^\r\n]*\r\n/m;
    const pump = (): void => {
      while (waiting.length > 0) {
        const m = complete.exec(buffer);
        if (m === null) return;
        const end = m.index + m[0].length;
        const text = buffer.slice(0, end);
        buffer = buffer.slice(end);
        waiting.shift()!(text);
      }
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      pump();
    });
    socket.once('error', reject);
    socket.once('connect', () =>
      resolve({
        socket,
        reply(line) {
          if (line !== undefined) socket.write(`${line}\r\n`);
          return new Promise((r) => {
            waiting.push(r);
            pump();
          });
        },
      }),
    );
  });
}

describe('startFtpServer', () => {
  it('serves a temp root on 127.0.0.1, counts logins and refuses a wrong password', async () => {
    const server = await start();
    expect(server.url).toBe(`ftp://crawler:secret@127.0.0.1:${server.port}`);
    expect(existsSync(server.root)).toBe(true);
    const c = await control(server.port);
    expect(await c.reply()).toMatch(/^220/);
    expect(await c.reply('USER crawler')).toMatch(/^331/);
    expect(await c.reply('PASS wrong')).toMatch(/^530/);
    expect(server.failedLogins()).toBe(1);
    c.socket.destroy();
    // ftp-srv keeps the refused user name on that connection: log in again on a new one.
    const c2 = await control(server.port);
    await c2.reply();
    expect(await c2.reply('USER crawler')).toMatch(/^331/);
    expect(await c2.reply('PASS secret')).toMatch(/^230/);
    expect(server.logins()).toBe(1);
    expect(await c2.reply('PASV')).toMatch(/^227 .*\(127,0,0,1,\d+,\d+\)/);
    expect(server.connections()).toBeGreaterThanOrEqual(1);
    const closed = new Promise((r) => c2.socket.once('close', r));
    server.dropConnections();
    await closed;
  });

  it('stores an upload in its root over a passive data connection', async () => {
    const server = await start({ user: 'u', password: 'p@ss' });
    expect(server.url).toBe(`ftp://u:p%40ss@127.0.0.1:${server.port}`);
    const c = await control(server.port);
    await c.reply();
    await c.reply('USER u');
    expect(await c.reply('PASS p@ss')).toMatch(/^230/);
    await c.reply('TYPE I');
    const pasv = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(await c.reply('PASV'))!;
    const data = connect(Number(pasv[5]) * 256 + Number(pasv[6]), '127.0.0.1');
    await new Promise((r) => data.once('connect', r));
    expect(await c.reply('STOR hello.txt')).toMatch(/^150/);
    data.end('hello ftp');
    expect(await c.reply()).toMatch(/^226/);
    expect(await readFile(`${server.root}/hello.txt`, 'utf8')).toBe('hello ftp');
    c.socket.destroy();
  });

  it('renames onto an existing file, or refuses to with renameReplaces: false', async () => {
    for (const renameReplaces of [true, false]) {
      const server = await start({ renameReplaces });
      await writeFile(`${server.root}/new.txt`, 'new');
      await writeFile(`${server.root}/old.txt`, 'old');
      const c = await control(server.port);
      await c.reply();
      await c.reply('USER crawler');
      expect(await c.reply('PASS secret')).toMatch(/^230/);
      expect(await c.reply('RNFR new.txt')).toMatch(/^350/);
      expect(await c.reply('RNTO old.txt')).toMatch(renameReplaces ? /^250/ : /^550 Cannot create a file when that file already exists/);
      expect(await readFile(`${server.root}/old.txt`, 'utf8')).toBe(renameReplaces ? 'new' : 'old');
      // Onto a free name it renames either way.
      await c.reply(`RNFR ${renameReplaces ? 'old.txt' : 'new.txt'}`);
      expect(await c.reply('RNTO free.txt')).toMatch(/^250/);
      c.socket.destroy();
    }
  });

  it('removes its temp root on close and closes idempotently', async () => {
    const server = await startFtpServer();
    const root = server.root;
    const first = server.close();
    expect(server.close()).toBe(first);
    await first;
    expect(existsSync(root)).toBe(false);
  });
});

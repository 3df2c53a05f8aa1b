import { isIP } from 'node:net';

/** True for 127.0.0.0/8 and ::1 (also ::ffff:127.x.y.z). */
export function isLoopbackAddress(address: string): boolean {
  const v = isIP(address);
  if (v === 4) return address.split('.')[0] === '127';
  if (v === 6) {
    const a = address.toLowerCase();
    if (a === '::1' || a === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
    return mapped !== null && isLoopbackAddress(mapped[1]!);
  }
  return false;
}

function normalise(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, '');
}

function notFound(hostname: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException & { hostname?: string } = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
  err.code = 'ENOTFOUND';
  err.errno = -3008;
  err.syscall = 'getaddrinfo';
  err.hostname = hostname;
  return err;
}

/**
 * A `dns.lookup`-compatible function (usable as the `lookup` option of `http.request`,
 * `net.connect`, undici's `connect`, …) that resolves the listed hostnames to their loopback
 * addresses and fails with ENOTFOUND for everything else. Names are case-insensitive and a
 * trailing dot is ignored; a loopback IP literal resolves to itself. Supports the `family`
 * (4/6, number or option) and `all` options. Throws at creation if an address is not loopback.
 */
export function loopbackLookup(
  hostnames: Record<string, string>,
): (hostname: string, options: unknown, cb: (...args: any[]) => void) => void {
  const table = new Map<string, string>();
  for (const [name, address] of Object.entries(hostnames)) {
    if (!isLoopbackAddress(address)) {
      throw new Error(`loopbackLookup: ${name} -> ${address} is not a loopback address`);
    }
    table.set(normalise(name), address);
  }

  return (hostname: string, options: unknown, cb?: (...args: any[]) => void): void => {
    let callback = cb;
    let opts: unknown = options;
    if (typeof options === 'function') {
      callback = options as (...args: any[]) => void;
      opts = {};
    }
    if (typeof callback !== 'function') throw new TypeError('loopbackLookup: callback must be a function');
    let family = 0;
    let all = false;
    if (typeof opts === 'number') family = opts;
    else if (opts !== null && typeof opts === 'object') {
      const o = opts as { family?: unknown; all?: unknown };
      if (o.family === 4 || o.family === 'IPv4') family = 4;
      else if (o.family === 6 || o.family === 'IPv6') family = 6;
      all = o.all === true;
    }

    const name = normalise(String(hostname));
    const address = table.get(name) ?? (isLoopbackAddress(name) ? name : undefined);
    const addrFamily = address === undefined ? 0 : isIP(address);
    const done = callback;
    process.nextTick(() => {
      if (address === undefined || (family !== 0 && family !== addrFamily)) {
        done(notFound(String(hostname)));
      } else if (all) {
        done(null, [{ address, family: addrFamily }]);
      } else {
        done(null, address, addrFamily);
      }
    });
  };
}

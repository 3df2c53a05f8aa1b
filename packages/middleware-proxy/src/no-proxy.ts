/** no_proxy rules, matched as Python's urllib `proxy_bypass_environment` does. */
export interface NoProxy {
  /** `*`: every host bypasses the proxy. */
  readonly all: boolean;
  /** Lower-cased entries without leading dots: host names, domain suffixes or `host:port`. */
  readonly names: readonly string[];
}

export const NO_BYPASS: NoProxy = Object.freeze({ all: false, names: Object.freeze([]) });

/** Splits comma-separated entries (a string or a list of them); blanks are ignored. */
export function parseNoProxy(values: readonly string[]): NoProxy {
  const names: string[] = [];
  let all = false;
  for (const value of values) {
    for (const raw of value.split(',')) {
      const entry = raw.trim().toLowerCase().replace(/^\.+/, '');
      if (entry === '*') all = true;
      else if (entry !== '') names.push(entry);
    }
  }
  return { all, names };
}

/**
 * Whether a host bypasses the proxy: an entry equal to the host name or to `host:port`, or a
 * domain suffix of either (`example.com` covers `www.example.com`, never `badexample.com`).
 * `hostPort` is the URL's host with its port when the URL has one.
 */
export function bypassesProxy(rules: NoProxy, hostname: string, hostPort: string): boolean {
  if (rules.all) return true;
  for (const name of rules.names) {
    if (hostname === name || hostPort === name) return true;
    if (hostname.endsWith(name) && hostname.charCodeAt(hostname.length - name.length - 1) === 46 /* . */) return true;
    if (hostPort.endsWith(name) && hostPort.charCodeAt(hostPort.length - name.length - 1) === 46) return true;
  }
  return false;
}

/** The proxy variables found in an environment, as Python's urllib `getproxies_environment` reads them. */
export interface ProxyEnvironment {
  readonly http: string | undefined;
  readonly https: string | undefined;
  readonly noProxy: string | undefined;
}

/**
 * Lower-case names win over upper-case ones, and an empty lower-case variable unsets the
 * upper-case one. Under CGI (REQUEST_METHOD set) HTTP_PROXY is ignored: a client controls it
 * through the `Proxy:` request header ("httpoxy", CVE-2016-1000110).
 */
export function readProxyEnvironment(env: Readonly<Record<string, string | undefined>>): ProxyEnvironment {
  const cgi = env.REQUEST_METHOD !== undefined;
  const read = (lower: string): string | undefined => {
    const value = env[lower];
    if (value !== undefined) return value === '' ? undefined : value;
    const upper = lower.toUpperCase();
    if (cgi && upper === 'HTTP_PROXY') return undefined;
    const fallback = env[upper];
    return fallback === '' ? undefined : fallback;
  };
  return { http: read('http_proxy'), https: read('https_proxy'), noProxy: read('no_proxy') };
}

/** A store URI fit for logs: the password (secret key) replaced, query secrets too. */
export function maskUri(uri: URL | string): string {
  let url: URL;
  try {
    url = new URL(String(uri));
  } catch {
    return '<invalid URI>';
  }
  if (url.password !== '') url.password = '****';
  for (const key of [...url.searchParams.keys()]) {
    if (/secret|token|password|credential/i.test(key)) url.searchParams.set(key, '****');
  }
  return url.href;
}

const SECRET_PARAM = /secret|token|password|credential|signature/i;

/**
 * A store URI fit for logs and error messages: the password replaced by `***` (the user name
 * stays, to say who logged in), and so is any query parameter whose name says it holds a secret.
 * Unparsable input is hidden whole, since it may hold a secret where a parser would not find it.
 */
export function maskUri(uri: URL | string): string {
  let url: URL;
  try {
    url = new URL(String(uri));
  } catch {
    return '(an unparsable URI)';
  }
  if (url.password !== '') url.password = '***';
  for (const key of [...url.searchParams.keys()]) {
    if (SECRET_PARAM.test(key)) url.searchParams.set(key, '***');
  }
  return url.href;
}

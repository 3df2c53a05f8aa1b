/**
 * Scrapy's `scrapy.linkextractors.IGNORED_EXTENSIONS`: binary documents a whole-site crawl
 * should not download. Compared with the last extension of the URL path, lower-cased (so
 * 'tar.gz' never matches, as in Scrapy; '.gz' is not in the list).
 */
export const IGNORED_EXTENSIONS: readonly string[] = Object.freeze([
  // archives
  '7z', '7zip', 'bz2', 'rar', 'tar', 'tar.gz', 'xz', 'zip',
  // images
  'mng', 'pct', 'bmp', 'gif', 'jpg', 'jpeg', 'png', 'pst', 'psp', 'tif', 'tiff', 'ai', 'drw', 'dxf', 'eps', 'ps', 'svg', 'cdr', 'ico', 'webp',
  // audio
  'mp3', 'wma', 'ogg', 'wav', 'ra', 'aac', 'mid', 'au', 'aiff',
  // video
  '3gp', 'asf', 'asx', 'avi', 'mov', 'mp4', 'mpg', 'qt', 'rm', 'swf', 'wmv', 'm4a', 'm4v', 'flv', 'webm',
  // office suites
  'xls', 'xlsm', 'xlsx', 'xltm', 'xltx', 'potm', 'potx', 'ppt', 'pptm', 'pptx', 'pps', 'doc', 'docb', 'docm', 'docx', 'dotm', 'dotx', 'odt', 'ods', 'odg', 'odp',
  // other
  'css', 'pdf', 'exe', 'bin', 'rss', 'dmg', 'iso', 'apk', 'jar', 'sh', 'rb', 'js', 'hta', 'bat', 'cpl', 'msi', 'msp', 'py',
]);

/** posixpath.splitext(path)[1].lower() without the dot: the text after the last '.' of the last segment, unless the segment starts with it. */
export function pathExtension(pathname: string): string {
  const slash = pathname.lastIndexOf('/');
  const dot = pathname.lastIndexOf('.');
  if (dot <= slash + 1) return '';
  // splitext treats leading dots of the basename as part of the name ('/..x' has no extension).
  for (let i = slash + 1; i < dot; i++) if (pathname.charCodeAt(i) !== 46) return pathname.slice(dot + 1).toLowerCase();
  return '';
}

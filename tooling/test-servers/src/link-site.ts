import { handlers } from './handlers.js';
import type { RouteHandler } from './types.js';

export interface LinkSiteOptions {
  /** Number of pages, `/page/0` .. `/page/{pages-1}`. */
  pages: number;
  /** Links on `/` and on each page (default 3). */
  linksPerPage?: number;
  /** Path prefix for every route, e.g. `'/site'` gives `/site/` and `/site/page/0` (default ''). */
  prefix?: string;
}

function page(title: string, links: string[]): string {
  const items = links.map((href) => `<li><a href="${href}">${href}</a></li>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${title}</title></head>
<body>
<h1>${title}</h1>
<ul class="links">
${items}
</ul>
</body>
</html>
`;
}

/**
 * A deterministic generated site for crawl tests, as routes for `startTestServer`.
 *
 * - `{prefix}/` links to `/page/0` .. `/page/{L-1}` (L = min(linksPerPage, pages)).
 * - `{prefix}/page/i` has `<h1>Page i</h1>` and links to pages `(i+1) .. (i+L)`, each mod `pages`.
 *
 * Every page is reachable from `/`; page k's link depth from `/` is 1 for k < L and
 * `1 + ceil((k - L + 1) / L)` otherwise (with linksPerPage 1 the site is a plain chain).
 * All links are root-relative (`{prefix}/page/j`), HTML is `text/html; charset=utf-8`.
 */
export function linkSite(opts: LinkSiteOptions): Record<string, RouteHandler> {
  const { pages } = opts;
  const perPage = opts.linksPerPage ?? 3;
  const prefix = (opts.prefix ?? '').replace(/\/+$/, '');
  if (!Number.isInteger(pages) || pages < 0) throw new Error(`linkSite: pages must be an integer >= 0, got ${pages}`);
  if (!Number.isInteger(perPage) || perPage < 0) {
    throw new Error(`linkSite: linksPerPage must be an integer >= 0, got ${perPage}`);
  }
  if (prefix !== '' && !prefix.startsWith('/')) throw new Error(`linkSite: prefix must start with '/', got ${prefix}`);

  const href = (i: number): string => `${prefix}/page/${i}`;
  const count = Math.min(perPage, pages);
  const routes: Record<string, RouteHandler> = {};
  routes[`GET ${prefix}/`] = handlers.html(
    page(
      'Home',
      Array.from({ length: count }, (_, j) => href(j)),
    ),
  );
  for (let i = 0; i < pages; i++) {
    const links = Array.from({ length: perPage }, (_, j) => href((i + 1 + j) % pages));
    routes[`GET ${href(i)}`] = handlers.html(page(`Page ${i}`, links));
  }
  return routes;
}

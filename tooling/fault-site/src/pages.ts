/** The site's shape: page i links to its children (a tree, so 64 downloads can run at once) and its parent. */
export function childIds(i: number, pages: number, branching: number): number[] {
  const out: number[] = [];
  for (let c = i * branching + 1; c <= i * branching + branching && c < pages; c++) out.push(c);
  return out;
}

export function pageHtml(i: number, pages: number, branching: number, imagesPerPage: number, padding: number): string {
  const links = childIds(i, pages, branching).map((c) => `<a href="/page/${c}">page ${c}</a>`);
  if (i > 0) links.push(`<a href="/page/${Math.floor((i - 1) / branching)}">parent</a>`);
  const images: string[] = [];
  for (let k = 0; k < imagesPerPage; k++) images.push(`<img src="/img/${i}-${k}.png">`);
  return `<!doctype html><html><head><title>page ${i}</title></head><body><h1 data-id="${i}">page ${i}</h1>${links.join(' ')}${images.join('')}<p>${'x'.repeat(padding)}</p></body></html>`;
}

/** A valid 1x1 RGB PNG (what a crawled thumbnail may be). */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC',
  'base64',
);

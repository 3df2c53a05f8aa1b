#!/usr/bin/env node
// Deterministic generator for the bundled demo "shop" site (examples/demo/site).
//
//   node examples/demo/scripts/gen-site.mjs [outDir]
//
// Plain Node, no dependencies. The output is checked into git; re-running the
// script must reproduce it byte for byte (seeded PRNG, no timestamps, stable
// iteration order). It deletes and rewrites the whole output directory.
//
// What it produces (also written to site/SITE.md and site/manifest.json):
//   - 135 HTML pages: index.html, 6 catalogue pages (20 books each, "next"
//     links), 8 category pages, 120 book detail pages
//   - 119 PNG covers in media/covers/ (sizes 200x300, 100x150, 60x90, 400x600)
//     encoded by the tiny PNG writer below (CRC32 implemented here, zlib for
//     IDAT); book #77's cover is deliberately NOT written (its <img> 404s)
//   - 4 broken links on catalogue pages 2..5 pointing at pages that don't exist
//   - robots.txt (allow all), static/style.css
// All links are relative; there is no <base> element anywhere.

import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = resolve(process.argv[2] ?? join(HERE, '..', 'site'));

const SEED = 0x5eed_b00c;
const BOOKS = 120;
const PER_PAGE = 20;
const MISSING_COVER_ID = 77;

// ---------------------------------------------------------------------------
// PRNG (mulberry32) — deterministic across Node versions.
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(SEED);
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1)); // inclusive
const pick = (arr) => arr[Math.floor(rand() * arr.length)];

// ---------------------------------------------------------------------------
// Minimal PNG encoder: 8-bit RGB, no interlace, filter 0 on every row.
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length, 0);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td), 0);
  return Buffer.concat([len, td, crc]);
}

/** pixel(x, y) -> [r, g, b] */
function encodePng(width, height, pixel) {
  const stride = width * 3 + 1;
  const raw = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    raw[row] = 0; // filter: None
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      const o = row + 1 + x * 3;
      raw[o] = r;
      raw[o + 1] = g;
      raw[o + 2] = b;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour RGB
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter method
  ihdr[12] = 0; // interlace: none
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A "book cover": vertical gradient, border, a light title band and a few bars. */
function coverPng(width, height, c1, c2) {
  const border = Math.max(2, Math.round(width / 40));
  const bandTop = Math.round(height * 0.18);
  const bandBottom = Math.round(height * 0.4);
  const barH = Math.max(1, Math.round(height / 60));
  const lerp = (a, b, t) => Math.round(a + (b - a) * t);
  return encodePng(width, height, (x, y) => {
    if (x < border || y < border || x >= width - border || y >= height - border) {
      return [20, 20, 20];
    }
    const t = y / (height - 1);
    const bg = [lerp(c1[0], c2[0], t), lerp(c1[1], c2[1], t), lerp(c1[2], c2[2], t)];
    if (y >= bandTop && y < bandBottom) {
      const inset = Math.round(width * 0.12);
      const lineY = y - bandTop;
      const bandRow = Math.floor(lineY / (barH * 2));
      const isBar =
        lineY % (barH * 2) < barH && bandRow >= 1 && bandRow <= 3 && x >= inset && x < width - inset - bandRow * inset;
      if (isBar) return [40, 40, 40];
      return [245, 240, 225];
    }
    return bg;
  });
}

function coverSize(id) {
  if (id % 30 === 0) return [400, 600]; // 4 large
  if (id % 10 === 3) return [60, 90]; // 12 tiny (below a 110px min size)
  if (id % 5 === 1) return [100, 150]; // 24 small
  return [200, 300]; // the rest
}

// ---------------------------------------------------------------------------
// Data.
const ADJECTIVES = [
  'Silent', 'Crimson', 'Forgotten', 'Hidden', 'Golden', 'Broken', 'Wandering', 'Last',
  'Quiet', 'Burning', 'Distant', 'Hollow', 'Restless', 'Secret', 'Winter', 'Paper',
  'Iron', 'Velvet', 'Electric', 'Lonely',
];
const NOUNS = [
  'Garden', 'River', 'Lighthouse', 'Cartographer', 'Orchard', 'Clockmaker', 'Harbour', 'Letter',
  'Kingdom', 'Library', 'Mirror', 'Compass', 'Machine', 'Island', 'Archive', 'Voyage',
  'Tide', 'Lantern', 'Map', 'Inheritance',
];
const PLACES = [
  'Avalon', 'the North', 'Marrow Street', 'the Salt Flats', 'Kestrel Bay', 'the Old City',
  'Thornfield', 'the Glass Hills', 'Port Ellery', 'the Deep Wood',
];
const NAMES = ['Ada', 'Bram', 'Clara', 'Dorian', 'Edith', 'Felix', 'Greta', 'Hugo', 'Iris', 'Jonah'];
const TEMPLATES = [
  () => `The ${pick(ADJECTIVES)} ${pick(NOUNS)}`,
  () => `${pick(NOUNS)} of ${pick(PLACES)}`,
  () => {
    const noun = pick(NOUNS);
    return `${/^[AEIOU]/.test(noun) ? 'An' : 'A'} ${noun} in ${pick(PLACES)}`;
  },
  () => `The ${pick(ADJECTIVES)} ${pick(NOUNS)} of ${pick(PLACES)}`,
  () => `${pick(NAMES)}'s ${pick(ADJECTIVES)} ${pick(NOUNS)}`,
  () => `${pick(ADJECTIVES)} ${pick(NOUNS)} & ${pick(ADJECTIVES)} ${pick(NOUNS)}`,
];
const SENTENCES = [
  'A sweeping story of loss, memory and the places we leave behind.',
  'Told across three summers, it follows a family that cannot stop keeping secrets.',
  'Part mystery, part love letter to old maps and the people who draw them.',
  'An unlikely friendship forms when a storm strands two strangers on the coast.',
  'Sharp, funny and unexpectedly tender, this debut marks a remarkable new voice.',
  'When the last train leaves, the town finally has to face what it has done.',
  'A meticulous reconstruction of a vanished world, rich with detail.',
  'Every chapter opens a door the reader did not know was there.',
  'The author weaves folklore and science into a single luminous thread.',
  'A slow-burning thriller that rewards patience with a devastating final act.',
  'Written in spare, precise prose, it lingers long after the last page.',
  'It asks what we owe to the people who came before us, and answers honestly.',
];
const CATEGORIES = [
  'Travel', 'Mystery', 'Historical Fiction', 'Science Fiction',
  'Poetry', 'Romance', 'Philosophy', 'Fantasy',
].map((name, i) => ({ name, slug: `${slugify(name)}_${i + 2}` }));
const RATINGS = ['One', 'Two', 'Three', 'Four', 'Five'];

function slugify(s) {
  return s
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function escapeHtml(s) {
  return String(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function hex(n) {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[int(0, 15)];
  return s;
}

function colour() {
  return [int(30, 220), int(30, 220), int(30, 220)];
}

const seenTitles = new Set();
const books = [];
for (let id = 1; id <= BOOKS; id++) {
  let title;
  do title = pick(TEMPLATES)(); while (seenTitles.has(title));
  seenTitles.add(title);
  const slug = `${slugify(title)}_${id}`;
  const pence = int(1000, 5999);
  const [w, h] = coverSize(id);
  const sentences = [];
  const nSent = int(2, 4);
  while (sentences.length < nSent) {
    const s = pick(SENTENCES);
    if (!sentences.includes(s)) sentences.push(s);
  }
  books.push({
    id,
    title,
    slug,
    path: `catalogue/${slug}/index.html`,
    price: `£${(pence / 100).toFixed(2)}`,
    priceValue: pence / 100,
    rating: pick(RATINGS),
    stock: int(1, 22),
    reviews: int(0, 12),
    upc: hex(16),
    category: CATEGORIES[(id * 5 + int(0, 2)) % CATEGORIES.length],
    description: sentences.join(' '),
    cover: { path: `media/covers/${id}.png`, width: w, height: h, c1: colour(), c2: colour() },
    page: Math.ceil(id / PER_PAGE),
  });
}
const PAGES = Math.ceil(BOOKS / PER_PAGE);

// Broken links: catalogue page number -> [href (relative to catalogue/), label].
const BROKEN = {
  2: ['discontinued-title_999/index.html', 'The Discontinued Title'],
  3: ['../promotions/summer-sale.html', 'Summer sale'],
  4: ['page-99.html', 'Clearance (page 99)'],
  5: ['old-catalogue/index.html', 'Old catalogue'],
};

// ---------------------------------------------------------------------------
// HTML.
function layout({ title, root, body, sidebar = '' }) {
  return `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} | Demo Books</title>
<link rel="stylesheet" href="${root}static/style.css">
</head>
<body>
<header class="page_header"><a href="${root}index.html">Demo Books</a> <small>a static catalogue for crawl demos</small></header>
<div class="page_inner">
${sidebar ? `<aside class="sidebar">\n${sidebar}</aside>\n` : ''}<main>
${body}</main>
</div>
<footer><p>Generated demo content. All books, prices and people are fictional.</p></footer>
</body>
</html>
`;
}

function categoryList(prefix) {
  const items = CATEGORIES.map(
    (c) => `<li><a href="${prefix}category/${c.slug}/index.html">${escapeHtml(c.name)}</a></li>`,
  ).join('\n');
  return `<div class="side_categories"><h3>Categories</h3>\n<ul class="nav nav-list">\n${items}\n</ul></div>\n`;
}

function productPod(b, detailPrefix, mediaPrefix) {
  return `<li class="col-xs-6"><article class="product_pod">
<div class="image_container"><a href="${detailPrefix}${b.slug}/index.html"><img src="${mediaPrefix}${b.cover.path}" alt="${escapeHtml(b.title)}" class="thumbnail" width="${b.cover.width}" height="${b.cover.height}"></a></div>
<p class="star-rating ${b.rating}"></p>
<h3><a href="${detailPrefix}${b.slug}/index.html" title="${escapeHtml(b.title)}">${escapeHtml(b.title)}</a></h3>
<div class="product_price"><p class="price_color">${b.price}</p><p class="instock availability">In stock</p></div>
</article></li>`;
}

function homePage() {
  const featured = books
    .filter((b) => b.rating === 'Five')
    .slice(0, 4)
    .map((b) => productPod(b, 'catalogue/', ''))
    .join('\n');
  return layout({
    title: 'Home',
    root: '',
    sidebar: categoryList('catalogue/'),
    body: `<h1>Demo Books</h1>
<p>Welcome to the demo book shop. It holds ${BOOKS} fictional books across ${CATEGORIES.length} categories.</p>
<p><a class="catalogue-link" href="catalogue/page-1.html">Browse the full catalogue</a></p>
<section class="featured"><h2>Five-star picks</h2>
<ol class="row">
${featured}
</ol></section>
`,
  });
}

function cataloguePage(p) {
  const list = books
    .filter((b) => b.page === p)
    .map((b) => productPod(b, '', '../'))
    .join('\n');
  const pager = [
    p > 1 ? `<li class="previous"><a href="page-${p - 1}.html">previous</a></li>` : '',
    `<li class="current">Page ${p} of ${PAGES}</li>`,
    p < PAGES ? `<li class="next"><a href="page-${p + 1}.html">next</a></li>` : '',
  ]
    .filter(Boolean)
    .join('\n');
  const broken = BROKEN[p]
    ? `<section class="notices"><h2>Notices</h2><ul><li><a href="${BROKEN[p][0]}">${escapeHtml(BROKEN[p][1])}</a></li></ul></section>\n`
    : '';
  return layout({
    title: `All products - page ${p}`,
    root: '../',
    sidebar: categoryList(''),
    body: `<ul class="breadcrumb"><li><a href="../index.html">Home</a></li><li class="active">All products</li></ul>
<h1>All products</h1>
<form class="form-horizontal"><strong>${BOOKS}</strong> results - showing <strong>${(p - 1) * PER_PAGE + 1}</strong> to <strong>${Math.min(p * PER_PAGE, BOOKS)}</strong>.</form>
<section><ol class="row">
${list}
</ol>
<div><ul class="pager">
${pager}
</ul></div></section>
${broken}`,
  });
}

function categoryPage(c) {
  const inCat = books.filter((b) => b.category === c);
  const list = inCat.map((b) => productPod(b, '../../', '../../../')).join('\n');
  return layout({
    title: c.name,
    root: '../../../',
    sidebar: categoryList('../../'),
    body: `<ul class="breadcrumb"><li><a href="../../../index.html">Home</a></li><li><a href="../../page-1.html">Books</a></li><li class="active">${escapeHtml(c.name)}</li></ul>
<h1>${escapeHtml(c.name)}</h1>
<form class="form-horizontal"><strong>${inCat.length}</strong> results.</form>
<section><ol class="row">
${list}
</ol></section>
`,
  });
}

function detailPage(b) {
  const rows = [
    ['UPC', b.upc],
    ['Product Type', 'Books'],
    ['Price (excl. tax)', b.price],
    ['Price (incl. tax)', b.price],
    ['Tax', '£0.00'],
    ['Availability', `In stock (${b.stock} available)`],
    ['Number of reviews', String(b.reviews)],
  ]
    .map(([k, v]) => `<tr><th>${k}</th><td>${escapeHtml(v)}</td></tr>`)
    .join('\n');
  return layout({
    title: b.title,
    root: '../../',
    body: `<ul class="breadcrumb">
<li><a href="../../index.html">Home</a></li>
<li><a href="../page-1.html">Books</a></li>
<li><a href="../category/${b.category.slug}/index.html">${escapeHtml(b.category.name)}</a></li>
<li class="active">${escapeHtml(b.title)}</li>
</ul>
<article class="product_page">
<div class="row">
<div class="col-sm-6"><div id="product_gallery" class="carousel"><div class="thumbnail"><div class="item active">
<img src="../../${b.cover.path}" alt="${escapeHtml(b.title)}" width="${b.cover.width}" height="${b.cover.height}">
</div></div></div></div>
<div class="col-sm-6 product_main">
<h1>${escapeHtml(b.title)}</h1>
<p class="price_color">${b.price}</p>
<p class="instock availability">In stock (${b.stock} available)</p>
<p class="star-rating ${b.rating}">Rated ${b.rating.toLowerCase()} out of five</p>
</div>
</div>
<div id="product_description" class="sub-header"><h2>Product Description</h2></div>
<p class="description">${escapeHtml(b.description)}</p>
<div class="sub-header"><h2>Product Information</h2></div>
<table class="table table-striped">
${rows}
</table>
</article>
`,
  });
}

const CSS = `body { font-family: Georgia, serif; margin: 0; color: #222; background: #fafaf7; }
.page_header { background: #2c3e50; color: #fff; padding: 12px 20px; }
.page_header a { color: #fff; font-weight: bold; text-decoration: none; }
.page_inner { display: flex; gap: 24px; padding: 20px; }
.sidebar { flex: 0 0 200px; }
main { flex: 1; }
ol.row { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 16px; }
.product_pod { background: #fff; border: 1px solid #ddd; padding: 8px; }
.product_pod img { max-width: 100%; height: auto; }
.price_color { color: #2a7a2a; font-weight: bold; }
.star-rating::before { content: "\\2606\\2606\\2606\\2606\\2606"; color: #c9a400; }
.star-rating.One::before { content: "\\2605\\2606\\2606\\2606\\2606"; }
.star-rating.Two::before { content: "\\2605\\2605\\2606\\2606\\2606"; }
.star-rating.Three::before { content: "\\2605\\2605\\2605\\2606\\2606"; }
.star-rating.Four::before { content: "\\2605\\2605\\2605\\2605\\2606"; }
.star-rating.Five::before { content: "\\2605\\2605\\2605\\2605\\2605"; }
.breadcrumb, .pager { list-style: none; padding: 0; display: flex; gap: 12px; }
table.table-striped tr:nth-child(odd) { background: #f0f0f0; }
table.table-striped th { text-align: left; padding: 4px 12px 4px 4px; }
footer { padding: 12px 20px; color: #777; font-size: small; }
`;

// ---------------------------------------------------------------------------
// Write everything.
// Only ever wipe a directory this script made (it holds our manifest.json) or an empty one.
if (existsSync(OUT) && readdirSync(OUT).length > 0 && !existsSync(join(OUT, 'manifest.json'))) {
  process.stderr.write(`refusing to overwrite ${OUT}: not empty and not a generated site (no manifest.json)\n`);
  process.exit(1);
}
rmSync(OUT, { recursive: true, force: true });
let totalBytes = 0;
function write(rel, data) {
  const file = join(OUT, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, data);
  totalBytes += Buffer.byteLength(data);
}

const htmlPages = [];
function writePage(rel, html) {
  write(rel, html);
  htmlPages.push(rel);
}

writePage('index.html', homePage());
const cataloguePages = [];
for (let p = 1; p <= PAGES; p++) {
  cataloguePages.push(`catalogue/page-${p}.html`);
  writePage(`catalogue/page-${p}.html`, cataloguePage(p));
}
const categoryPages = [];
for (const c of CATEGORIES) {
  const rel = `catalogue/category/${c.slug}/index.html`;
  categoryPages.push(rel);
  writePage(rel, categoryPage(c));
}
for (const b of books) writePage(b.path, detailPage(b));

const images = [];
for (const b of books) {
  if (b.id === MISSING_COVER_ID) continue;
  const png = coverPng(b.cover.width, b.cover.height, b.cover.c1, b.cover.c2);
  write(b.cover.path, png);
  images.push({ path: `/${b.cover.path}`, width: b.cover.width, height: b.cover.height, bytes: png.length });
}

write('robots.txt', 'User-agent: *\nAllow: /\n');
write('static/style.css', CSS);

const brokenLinks = Object.entries(BROKEN).map(([p, [href]]) => {
  const from = `/catalogue/page-${p}.html`;
  return { from, href, url: new URL(href, `http://site${from}`).pathname };
});
const missingCover = books.find((b) => b.id === MISSING_COVER_ID);
// The missing cover is also shown as a thumbnail on its catalogue page and its category page.
const missingImages = [
  {
    from: `/${missingCover.path}`,
    src: `/${missingCover.cover.path}`,
    alsoReferencedFrom: [
      `/catalogue/page-${missingCover.page}.html`,
      `/catalogue/category/${missingCover.category.slug}/index.html`,
    ],
  },
];

const counts = {
  htmlPages: htmlPages.length,
  homePages: 1,
  cataloguePages: cataloguePages.length,
  categoryPages: categoryPages.length,
  detailPages: books.length,
  books: books.length,
  images: images.length,
  brokenLinks: brokenLinks.length,
  missingImages: missingImages.length,
  imagesBelow110px: images.filter((i) => i.width < 110 || i.height < 110).length,
};
const imageSizes = {};
for (const i of images) imageSizes[`${i.width}x${i.height}`] = (imageSizes[`${i.width}x${i.height}`] ?? 0) + 1;

const manifest = {
  generator: 'examples/demo/scripts/gen-site.mjs',
  seed: SEED,
  note: 'Paths are URL paths relative to the site root (resolve with new URL(path, baseUrl)).',
  books: books.length,
  booksPerPage: PER_PAGE,
  counts,
  start: '/index.html',
  cataloguePages: cataloguePages.map((p) => `/${p}`),
  categoryPages: categoryPages.map((p) => `/${p}`),
  detailPages: books.map((b) => `/${b.path}`),
  brokenLinks,
  brokenLinkUrls: brokenLinks.map((l) => l.url),
  missingImages,
  imageSizes,
  images,
  items: books.map((b) => ({
    id: b.id,
    url: `/${b.path}`,
    title: b.title,
    price: b.price,
    priceValue: b.priceValue,
    rating: b.rating,
    stock: b.stock,
    reviews: b.reviews,
    upc: b.upc,
    category: b.category.name,
    image: `/${b.cover.path}`,
  })),
};
write('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);

const siteMd = `# Demo book-shop site

Generated by \`examples/demo/scripts/gen-site.mjs\` (seed \`0x${SEED.toString(16)}\`). Do not edit by hand:
change the script and run \`node examples/demo/scripts/gen-site.mjs\`. The output is deterministic.

| what | count |
| --- | --- |
| HTML pages | ${counts.htmlPages} (1 home, ${counts.cataloguePages} catalogue, ${counts.categoryPages} category, ${counts.detailPages} detail) |
| books | ${counts.books} (${PER_PAGE} per catalogue page) |
| cover images (PNG) | ${counts.images}: ${Object.entries(imageSizes).map(([k, v]) => `${v} × ${k}`).join(', ')} (${counts.imagesBelow110px} are under 110px on at least one side) |
| broken links (404) | ${counts.brokenLinks}, on catalogue pages ${Object.keys(BROKEN).join(', ')} |
| missing images | ${counts.missingImages} (book #${MISSING_COVER_ID}: \`${missingCover.cover.path}\` is not written; its detail page, catalogue page ${missingCover.page} and the ${escapeHtml(missingCover.category.name)} category page show it) |

Cover sizes: 200x300 (most), 100x150 (id % 5 == 1), 60x90 (id % 10 == 3), 400x600 (id % 30 == 0).

\`manifest.json\` lists every detail page, catalogue and category page, the broken link URLs,
the images and the expected item fields (title, price, rating, stock, UPC, category) so tests
can check that a crawl found everything.

Layout:

- \`index.html\` — home, links to \`catalogue/page-1.html\` and the categories
- \`catalogue/page-N.html\` — ${PER_PAGE} books each, \`<li class="next">\` pagination
- \`catalogue/category/<name>_<n>/index.html\` — books of one category
- \`catalogue/<slug>_<id>/index.html\` — book detail (\`article.product_page\`)
- \`media/covers/<id>.png\` — covers
- \`static/style.css\`, \`robots.txt\`
`;
write('SITE.md', siteMd);

process.stdout.write(
  `wrote ${OUT}: ${counts.htmlPages} pages, ${counts.books} books, ${counts.images} images, ` +
    `${counts.brokenLinks} broken links, ${(totalBytes / 1024).toFixed(0)} KiB\n`,
);

/** File templates for `crawl startproject` and `crawl genspider`. */

export function spiderTemplate(name: string, domain: string): string {
  const start = /^https?:\/\//.test(domain) ? domain : `https://${domain}/`;
  const host = new URL(start).hostname;
  return `import { defineSpider, type Response } from '@crawl/core';

export default defineSpider({
  name: ${JSON.stringify(name)},
  allowedDomains: [${JSON.stringify(host)}],
  startUrls: [${JSON.stringify(start)}],

  *parse(response: Response) {
    yield {
      url: response.url,
      title: response.css('title::text').get('').trim(),
    };
    // Follow links on the page (offsite ones are dropped by allowedDomains):
    // yield* response.followAll({ css: 'a' });
  },
});
`;
}

export function configTemplate(): string {
  return `import { defineConfig } from '@crawl/cli';

// Plugins are the packages you install: add a middleware with
//   pnpm add @crawl/middleware-retry   and   downloaderMiddlewares: [retry()]
export default defineConfig({
  spiders: ['spiders'],
  settings: {
    concurrentRequestsPerDomain: 8,
    downloadDelay: 0,
  },
  downloaderMiddlewares: [],
  itemPipelines: [],
});
`;
}

export function packageTemplate(name: string, versions: Record<string, string>): string {
  const pkg = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: { list: 'crawl list', crawl: 'crawl crawl' },
    dependencies: {
      '@crawl/cli': versions['@crawl/cli'],
      '@crawl/core': versions['@crawl/core'],
      '@crawl/engine': versions['@crawl/engine'],
      '@crawl/http': versions['@crawl/http'],
    },
    devDependencies: { typescript: '^5.9.0', '@types/node': '^20.17.0' },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

export function tsconfigTemplate(): string {
  return `${JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
      },
      include: ['crawl.config.ts', 'spiders'],
    },
    null,
    2,
  )}\n`;
}

export function readmeTemplate(name: string): string {
  return `# ${name}

A crawl project.

\`\`\`sh
npm install
npx crawl list                 # the spiders in spiders/
npx crawl crawl example -O items.jsonl
npx crawl genspider shop shop.example
\`\`\`

Settings, middlewares and pipelines live in \`crawl.config.ts\`.
`;
}

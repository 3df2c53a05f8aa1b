export { runCli, USAGE } from './cli.js';
export { runspider, RUNSPIDER_USAGE } from './commands/runspider.js';
export { fetchCommand, FETCH_USAGE } from './commands/fetch.js';
export { loadSpider, importSpiderModule } from './load-spider.js';
export { defaultPlugins, type DefaultPlugins } from './defaults.js';
export { parseKeyValues, parseSpiderArgs } from './args.js';
export { formatProgress, snapshot, ProgressLine, type ProgressSnapshot } from './progress.js';
export type { CliIO } from './output.js';

// Replaced at build time (tsup.config.ts) and test time (vitest.config.ts) by package.json's version.
declare const __PACKAGE_VERSION__: string;

export const VERSION: string = __PACKAGE_VERSION__;

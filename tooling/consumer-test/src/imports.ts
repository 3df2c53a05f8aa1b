import { builtinModules } from 'node:module';
import type { PackageJson } from './workspace.js';

// Static `import … from 'x'`, `export … from 'x'`, side-effect `import 'x'`, `import('x')` and
// `require('x')`: what tsup's ESM, CJS and declaration output contain.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)(["'])([^"'\n]+)\1/g;
const BUILTINS = new Set(builtinModules);

/** The package a bare specifier loads ('@scope/name/sub' → '@scope/name'); undefined for relative paths and Node built-ins. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  return BUILTINS.has(name) ? undefined : name;
}

/**
 * Drops block comments and whole-line `//` comments, where TSDoc examples (`import { x } from
 * '@crawl/engine'`) would otherwise read as imports. Trailing comments after code are kept: a
 * `//` inside a string (a URL) must not cut the line.
 */
function stripComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

/** Packages the code loads by name. */
export function importedPackages(code: string): Set<string> {
  const out = new Set<string>();
  for (const match of stripComments(code).matchAll(SPECIFIER)) {
    const name = packageOf(match[2]!);
    if (name !== undefined) out.add(name);
  }
  return out;
}

/**
 * Imported packages the manifest does not declare in dependencies, peerDependencies or
 * optionalDependencies. Such an import works in the workspace (pnpm links everything) and in an
 * app that happens to have the package, and fails for everyone else.
 */
export function undeclaredImports(imported: Iterable<string>, manifest: PackageJson): string[] {
  const declared = new Set([
    manifest.name,
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
    ...Object.keys(manifest.optionalDependencies ?? {}),
  ]);
  return [...imported].filter((name) => !declared.has(name)).sort();
}

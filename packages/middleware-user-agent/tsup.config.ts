import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.preset';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// The default User-Agent names this package's version without bundling package.json.
export default defineConfig(packageBuild({ define: { __PACKAGE_VERSION__: JSON.stringify(version) } }));

import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.preset';

// import.meta.url (the lazy require of the XPath engine) in the CommonJS build too.
export default defineConfig(packageBuild({ shims: true }));

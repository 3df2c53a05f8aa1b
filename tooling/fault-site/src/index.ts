export { startFaultSite, FAULT_SITE_DEFAULTS, type FaultSite, type FaultSiteOptions, type UrlRecord } from './site.js';
export { planFault, unitHash, FAULT_KINDS, type Fault, type FaultKind, type FaultRule } from './plan.js';
export type { FaultTiming } from './faults.js';
export { pageHtml, childIds, TINY_PNG } from './pages.js';

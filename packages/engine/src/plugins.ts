import { ConfigError, NotConfigured, type CloseReason, type Crawler, type Logger, type Plugin } from '@crawl/core';
import { errorMessage } from './util/safe-emit.js';
import { isThenable } from './util/thenable.js';

/** A kind of plugin, opened in the order the groups are given. */
export interface PluginGroup<P extends Plugin = Plugin> {
  readonly kind: string;
  readonly plugins: readonly P[];
}

/** What stayed enabled. */
export interface OpenedPlugins {
  /** The plugins of `group` (one of the groups given to openPlugins) that opened, in open order. */
  enabled<P extends Plugin>(group: PluginGroup<P>): readonly P[];
  /** Every opened plugin in open order (closed in reverse). */
  readonly all: readonly Plugin[];
}

/** Checks the shape every plugin shares: a non-empty name. */
export function checkPlugin(plugin: unknown, kind: string, index: number): asserts plugin is Plugin {
  if (typeof plugin !== 'object' || plugin === null) throw new ConfigError(`${kind} #${index} must be an object, got ${plugin === null ? 'null' : typeof plugin}`);
  const name = (plugin as { name?: unknown }).name;
  if (typeof name !== 'string' || name === '') throw new ConfigError(`${kind} #${index} has no name (every plugin needs a stable, non-empty name)`);
}

/**
 * Opens plugins group by group. NotConfigured disables a plugin with an info log; any other
 * error closes what was already opened (in reverse) and is rethrown.
 */
export async function openPlugins(groups: readonly PluginGroup[], crawler: Crawler, logger: Logger): Promise<OpenedPlugins> {
  const opened: Plugin[] = [];
  // Keyed by the group object, so callers find a kind's plugins through its group, not by position.
  const kept = new Map<PluginGroup, Plugin[]>();
  for (const group of groups) {
    const enabled: Plugin[] = [];
    for (const plugin of group.plugins) {
      try {
        const r = plugin.open?.(crawler);
        if (isThenable(r)) await r;
      } catch (error) {
        if (error instanceof NotConfigured) {
          logger.info(`Disabled ${group.kind} ${plugin.name}: ${error.message}`);
          continue;
        }
        logger.error(`Error opening ${group.kind} ${plugin.name}: ${errorMessage(error)}`, { error });
        await closePlugins(opened, crawler, 'open_failed', logger);
        throw error;
      }
      enabled.push(plugin);
      opened.push(plugin);
    }
    kept.set(group, enabled);
  }
  return {
    enabled<P extends Plugin>(group: PluginGroup<P>): readonly P[] {
      const plugins = kept.get(group);
      if (plugins === undefined) throw new Error(`openPlugins was not given this ${group.kind} group`);
      return plugins as P[];
    },
    all: opened,
  };
}

/** Closes plugins in reverse open order; each close is guarded so the rest still close. */
export async function closePlugins(opened: readonly Plugin[], crawler: Crawler, reason: CloseReason, logger: Logger): Promise<void> {
  for (let i = opened.length - 1; i >= 0; i--) {
    const plugin = opened[i]!;
    try {
      const r = plugin.close?.(crawler, reason);
      if (isThenable(r)) await r;
    } catch (error) {
      logger.error(`Error closing ${plugin.name}: ${errorMessage(error)}`, { error });
    }
  }
}

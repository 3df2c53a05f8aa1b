/**
 * undici's dispatcher classes, loaded from their own modules. The package's index also loads
 * fetch, WebSocket, EventSource, the cache and mock agents and their dependencies (112 modules:
 * +21 MB of RSS and ~107 ms of CPU at start-up, against +12 MB and ~40 ms for these and the
 * dispatcher API), none of which a crawl uses. The index also gives every dispatcher its API
 * methods (`request`, `connect`, …: ProxyAgent opens its tunnels with `connect`), which is
 * done here the same way. These paths have been stable since undici 6; a move would fail the
 * first import (and every test), not silently.
 */
import type * as Undici from 'undici';
import AgentClass from 'undici/lib/dispatcher/agent.js';
import ClientClass from 'undici/lib/dispatcher/client.js';
import PoolClass from 'undici/lib/dispatcher/pool.js';
import ProxyAgentClass from 'undici/lib/dispatcher/proxy-agent.js';
import dispatcherApi from 'undici/lib/api/index.js';
import DispatcherClass from 'undici/lib/dispatcher/dispatcher.js';

// What undici's index does on load (`Object.assign(Dispatcher.prototype, api)`); idempotent when
// the index is loaded too.
Object.assign(DispatcherClass.prototype, dispatcherApi);

export const Agent = AgentClass;
export type Agent = Undici.Agent;
export const Client = ClientClass;
export type Client = Undici.Client;
export const Pool = PoolClass;
export type Pool = Undici.Pool;
export type ClientOptions = Undici.Client.Options;
export type PoolOptions = Undici.Pool.Options;
export const ProxyAgent = ProxyAgentClass;
export type ProxyAgent = Undici.ProxyAgent;

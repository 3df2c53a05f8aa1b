// What a process's peak RSS is made of. Preload it into any crawl:
//   node -r ./tooling/bench/peak-rss.cjs tooling/bench/bench-crawl.mjs http://127.0.0.1:18080/ 16 /tmp/items.jsonl
// Every 5 ms it reads /proc/self/status; at each new peak it records the file-backed and anonymous
// parts, V8's heap spaces (physical sizes) and external memory. On exit it prints one line,
// `PEAK {json}`, on stderr (MB). Linux only. Sampling costs ~1% CPU, so time runs without it.
'use strict';
const { readFileSync } = require('node:fs');
const v8 = require('node:v8');

const MB = 1048576;
const field = (status, name) => Number(status.match(new RegExp(`${name}:\\s+(\\d+)`))[1]) / 1024;
const round = (n) => Math.round(n * 10) / 10;
let peak = 0;
let atPeak;

function sample() {
  const status = readFileSync('/proc/self/status', 'utf8');
  const rss = field(status, 'VmRSS');
  if (rss <= peak) return;
  peak = rss;
  const spaces = {};
  for (const space of v8.getHeapSpaceStatistics()) spaces[space.space_name.replace(/_space$/, '')] = round(space.physical_space_size / MB);
  const memory = process.memoryUsage();
  atPeak = {
    rss: round(rss),
    fileBacked: round(field(status, 'RssFile')),
    anonymous: round(field(status, 'RssAnon')),
    heapPhysical: round(v8.getHeapStatistics().total_physical_size / MB),
    external: round(memory.external / MB),
    arrayBuffers: round(memory.arrayBuffers / MB),
    spaces,
  };
}

setInterval(sample, 5).unref();
process.on('exit', () => {
  sample();
  process.stderr.write(`PEAK ${JSON.stringify(atPeak)}\n`);
});

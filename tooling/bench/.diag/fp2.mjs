import { Request, fingerprint } from '@crawl/core';
const reqs = []; for (let i = 0; i < 200000; i++) reqs.push(new Request(`http://127.0.0.1:18091/p/${String(i % 100000).padStart(6, '0')}.html${i % 3 ? '#x' : ''}`));
for (let round = 0; round < 3; round++) {
  let t = performance.now();
  for (let i = 0; i < 100000; i++) fingerprint(reqs[i]);
  const miss = performance.now() - t;
  t = performance.now();
  const hot = reqs.slice(0, 5000);
  for (let r = 0; r < 20; r++) for (const q of hot) fingerprint(q);
  console.log('miss-heavy per call us', (miss / 100000 * 1000).toFixed(2), 'hit per call us', ((performance.now() - t) / 100000 * 1000).toFixed(2));
}

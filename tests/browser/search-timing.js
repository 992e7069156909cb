#!/usr/bin/env node
// The page's timing on a slow network, with the shipped engine under node, on a virtual clock (no
// browser, no wall clock: the numbers do not depend on how busy the machine is, so a test can
// assert them): every index file arrives 100 ms after it is asked for (each fetched once, as the
// page caches them); each word is typed at 60 ms a key, with the page's prefetch at every key; the
// search starts 120 ms after the last key, as the page's pause does. Prints, per word, the
// milliseconds from the last key to the entries of the first ten results, the files read and
// their bytes (what was fetched while typing included), and those asked for from the last key
// on, each with when (ms after the last key).
//
// With CONNECTIONS=n in the environment, at most n requests are under way at once, the others
// waiting in the order asked (a browser opens 6 connections to a host over HTTP/1.1, as
// static-host.js serves; over HTTP/2 it sends them all at once, the default here).
//
// usage: [CONNECTIONS=n] node tests/browser/search-timing.js SEARCH_JS INDEX_DIR WORD...
'use strict';
const fs = require('fs');
const path = require('path');

const [script, dir, ...queries] = process.argv.slice(2);
const { createEngine } = require(path.resolve(script));
const DELAY = 100, KEY = 60, PAUSE = 120;
const CONNECTIONS = Number(process.env.CONNECTIONS) || Infinity;

// Runs what the resolved promises started: every microtask, before the next macrotask.
const drain = () => new Promise((resolve) => setImmediate(resolve));

(async () => {
  const out = [];
  for (const word of queries) {
    let now = 0;
    const pending = []; // { at, resolve, value }
    const asked = []; // { file, at }
    const cache = new Map();
    // when each connection is free again (none: as many as asked)
    const free = [];
    const arrival = () => {
      if (free.length < CONNECTIONS) { free.push(now + DELAY); return now + DELAY; }
      const i = free.indexOf(Math.min(...free));
      free[i] = Math.max(now, free[i]) + DELAY;
      return free[i];
    };
    const engine = createEngine((file) => {
      if (!cache.has(file)) {
        const bytes = fs.readFileSync(path.join(dir, file));
        asked.push({ file, at: now, size: bytes.length });
        const value = JSON.parse(bytes.toString('utf8'));
        const at = arrival();
        cache.set(file, new Promise((resolve) => pending.push({ at, resolve, value })));
      }
      return cache.get(file);
    });
    // moves the clock to `to`, delivering each file when it is due
    const advance = async (to) => {
      await drain();
      for (;;) {
        const due = pending.filter((p) => p.at <= to).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        now = due.at;
        for (const p of pending.filter((q) => q.at === now)) {
          pending.splice(pending.indexOf(p), 1);
          p.resolve(p.value);
        }
        await drain();
      }
      now = to;
    };
    engine.meta().catch(() => {}); // fetched when the page loads
    await advance(4 * DELAY);
    for (let i = 1; i <= word.length; i++) {
      engine.prefetch(word.slice(0, i)).catch(() => {});
      if (i < word.length) await advance(now + KEY);
    }
    const lastKey = now;
    await advance(now + PAUSE);
    let shown = null, results = 0;
    engine.query(word, 10).then((found) => {
      results = found.results.length;
      return engine.documents(found.results.slice(0, 10));
    }).then(() => { shown = now; });
    while (shown === null) {
      await drain();
      if (shown !== null) break;
      if (!pending.length) throw new Error(`"${word}": the search waits for nothing`);
      await advance(Math.min(...pending.map((p) => p.at)));
    }
    const after = asked.filter((a) => a.at >= lastKey).map((a) => `${a.file}@${a.at - lastKey}`);
    const bytes = asked.reduce((sum, a) => sum + a.size, 0);
    out.push({ query: word, ms: shown - lastKey, files: cache.size, bytes, after, results });
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(2); });

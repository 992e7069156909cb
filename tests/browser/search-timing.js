#!/usr/bin/env node
// The page's timing on a slow network, with the shipped engine under node (no browser: the
// number does not depend on how busy the machine's processors are): every index file takes 100 ms
// to arrive (each fetched once, as the page caches them); each word is typed at 60 ms a key, with
// the page's prefetch at every key; the search starts 120 ms after the last key, as the page's
// pause does. Prints, per word, the milliseconds from the last key to the entries of the first
// ten results, and the files read.
//
// usage: node tests/browser/search-timing.js SEARCH_JS INDEX_DIR WORD...
'use strict';
const fs = require('fs');
const path = require('path');

const [script, dir, ...queries] = process.argv.slice(2);
const { createEngine } = require(path.resolve(script));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const DELAY = 100, KEY = 60, PAUSE = 120;

(async () => {
  const out = [];
  for (const word of queries) {
    const cache = new Map();
    const engine = createEngine((file) => {
      if (!cache.has(file)) cache.set(file, sleep(DELAY).then(() => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))));
      return cache.get(file);
    });
    await engine.meta(); // fetched when the page loads
    let lastKey = 0;
    for (let i = 1; i <= word.length; i++) {
      engine.prefetch(word.slice(0, i)).catch(() => {});
      lastKey = Date.now();
      if (i < word.length) await sleep(KEY);
    }
    await sleep(PAUSE);
    const found = await engine.query(word, 10);
    await engine.documents(found.results.slice(0, 10));
    out.push({ query: word, ms: Date.now() - lastKey, files: cache.size, results: found.results.length });
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(2); });

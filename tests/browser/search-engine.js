#!/usr/bin/env node
// Runs the shipped search script's engine (createEngine of search.js) on a built index, for
// tests and benchmarks: reads queries (a JSON array of strings) on stdin, and prints one JSON
// object per query: every result in rank order (its link, score, tier and title length), the count
// (and the count, its exactness and completeness as the first page of ten had them), how each
// word was matched, and the index files the query read and their bytes (files read by an
// earlier query count again: each query starts with an empty cache, as a fresh page does).
//
// usage: node tests/browser/search-engine.js SEARCH_JS INDEX_DIR [--top N] < queries.json
//   --top N: the first N results only (read as the page reads them), else all of them, read
//   ten at a time as "Show more" does
'use strict';
const fs = require('fs');
const path = require('path');

const [script, dir] = [process.argv[2], process.argv[3]];
const topAt = process.argv.indexOf('--top');
const top = topAt > 0 ? Number(process.argv[topAt + 1]) : Infinity;
const { createEngine } = require(path.resolve(script));
const queries = JSON.parse(fs.readFileSync(0, 'utf8'));

(async () => {
  const out = [];
  for (const text of queries) {
    const files = new Map();
    const engine = createEngine((file) => {
      if (!files.has(file)) {
        const bytes = fs.readFileSync(path.join(dir, file));
        files.set(file, Promise.resolve({ size: bytes.length, json: JSON.parse(bytes.toString('utf8')) }));
      }
      return files.get(file).then((f) => f.json);
    });
    // as the page does: the first ten, then ten more at a time ("Show more") to the end, or
    // the first N
    let found = await engine.query(text, Math.min(top, 10));
    const first = { count: found.count, exact: found.exact, complete: found.complete };
    while (!found.complete && found.results.length < top) found = await found.more(Math.min(top, found.results.length + 10));
    const shown = found.results.slice(0, top);
    const docs = await engine.documents(shown);
    let bytes = 0;
    for (const f of files.values()) bytes += (await f).size;
    out.push({
      query: text,
      count: found.complete ? found.results.length : found.count,
      // what the first page said: how many, whether exactly, whether all was read
      first,
      results: shown.map((r, i) => ({ u: docs[i].u, t: docs[i].t, score: r.score, tier: r.tier, title: r.title })),
      how: found.terms.map((t) => t.how + ':' + t.stems.join('|')),
      files: [...files.keys()],
      bytes,
    });
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(2); });

#!/usr/bin/env node
// Browser test of /search/ on a slow network, for words in more documents than a block of
// postings holds (256): with 100 ms added to every response, the first results of such a word
// show within 350 ms of the last keystroke, because the page fetches the word's term shard and
// the first blocks of its list while the reader types. Run it on a site large enough to have such
// words (e.g. `gen-corpus 2000`): it types the commonest few, and fails on a site that has none.
//
// usage: node tests/browser/search-slow.js PUBLIC_DIR BASE_PATH [WORD...]
//   WORD: the words to type (default: the three commonest words of the index with at least four
//   letters, whose lists are cut into blocks)
'use strict';
const fs = require('fs');
const path = require('path');

const [root, basePath] = [process.argv[2] || 'public', process.argv[3] || '/'];
const given = process.argv.slice(4);
const { withPage, timeToResults } = require('./static-host');

const DELAY = 100;
const LIMIT = 350;

// The commonest words whose lists are cut into blocks: a term shard holds such a stem as
// [df, first block, directory].
function commonWords(n) {
  const index = path.join(root, 'search', 'index');
  const meta = JSON.parse(fs.readFileSync(path.join(index, 'meta.json'), 'utf8'));
  const blocked = [];
  for (let i = 0; i < meta.shards.length; i++) {
    const shard = JSON.parse(fs.readFileSync(path.join(index, 't', `${i}.json`), 'utf8'));
    for (const [stem, entry] of Object.entries(shard.t)) {
      if (Array.isArray(entry) && /^[a-z]{4,}$/.test(stem)) blocked.push([entry[0], stem]);
    }
  }
  return blocked.sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? -1 : 1)).slice(0, n).map((b) => b[1]);
}

let failures = 0;
function check(ok, message) {
  console.log((ok ? 'ok   ' : 'FAIL ') + message);
  if (!ok) failures++;
}

(async () => {
  const queries = given.length ? given : commonWords(3);
  check(queries.length > 0, `the site has words of more than 256 documents: ${queries.join(', ')}`);
  await withPage({ root, basePath, delay: () => DELAY }, async ({ browser, origin }) => {
    for (const word of queries) {
      // a fresh page: nothing of the index is cached but what it fetches on load
      const page = await browser.newPage();
      const { took, typed, lastKey, requests } = await timeToResults(page, `${origin}${basePath}search/`, word, { settle: 4 * DELAY });
      const during = requests.filter((r) => r.at >= typed && r.at < lastKey).length;
      const after = requests.filter((r) => r.at >= lastKey).map((r) => r.url.replace(/.*\/search\/index\//, ''));
      check(took < LIMIT, `"${word}": results show ${Math.round(took)} ms after the last keystroke (< ${LIMIT}); ` +
        `${during} files fetched while typing, then ${after.join(', ') || 'none'}`);
      await page.close();
    }
  });
  if (failures) { console.error(`${failures} check(s) failed`); process.exit(1); }
  console.log('slow-network search test passed');
})().catch((e) => { console.error(e); process.exit(2); });

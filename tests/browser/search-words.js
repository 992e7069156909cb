#!/usr/bin/env node
// One word splitter for search: runs `words` of the shipped search script on the cases of
// search-words.json and checks that it makes the words recorded there, which are the words Rust
// indexes (tests/search_words.rs checks that side, and runs this script when node is installed).
// Also checks that the script orders index keys as Rust sorts them, by code point.
//
// usage: node tests/browser/search-words.js [SEARCH_JS [CASES_JSON]]
'use strict';
const fs = require('fs');
const path = require('path');

const script = path.resolve(process.argv[2] || path.join(__dirname, '..', '..', 'themes', 'default', 'static', 'search.js'));
const casesFile = process.argv[3] || path.join(__dirname, 'search-words.json');
const { words, notAfter } = require(script);
const cases = JSON.parse(fs.readFileSync(casesFile, 'utf8'));

let failures = 0;
for (const c of cases) {
  const got = words(c.text);
  if (JSON.stringify(got) !== JSON.stringify(c.words)) {
    failures++;
    console.log(`FAIL ${c.case}: ${JSON.stringify(c.text)}\n  Rust:    ${JSON.stringify(c.words)}\n  browser: ${JSON.stringify(got)}`);
  }
  // a word the index holds, typed as a query, is that one word
  for (const w of c.words) {
    const again = words(w);
    if (again.length !== 1 || again[0] !== w) {
      failures++;
      console.log(`FAIL ${c.case}: the word ${JSON.stringify(w)} typed again gives ${JSON.stringify(again)}`);
    }
  }
}

// key order: Rust sorts keys by code point; JavaScript's `<=` on strings does not past U+FFFF
const byCodePoint = (a, b) => {
  const x = Array.from(a, (c) => c.codePointAt(0));
  const y = Array.from(b, (c) => c.codePointAt(0));
  for (let i = 0; i < x.length && i < y.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
};
const keys = [...new Set(cases.flatMap((c) => c.words).concat(['\u{20bb7}', '\ufa11', 'a', 'ab', '']))];
for (const a of keys) {
  for (const b of keys) {
    if (notAfter(a, b) !== (byCodePoint(a, b) <= 0)) {
      failures++;
      console.log(`FAIL key order: ${JSON.stringify(a)} before ${JSON.stringify(b)}: ${notAfter(a, b)}`);
    }
  }
}

if (failures) {
  console.error(`${failures} difference(s) between the browser's words and Rust's (${casesFile})`);
  process.exit(1);
}
console.log(`search words: the browser splits all ${cases.length} cases as Rust does (node ${process.versions.node}, Unicode ${process.versions.unicode})`);

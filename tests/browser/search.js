#!/usr/bin/env node
// Browser test of /search/: serves a built site under its base path, types queries into the
// search box in headless Chromium (playwright-core, as installed by setup-validators), and checks
// that the matching explainer is found and that the results can be reached with the keyboard;
// also that Chromium's run of the shipped search.js splits words as Rust does.
//
// usage: node tests/browser/search.js PUBLIC_DIR BASE_PATH
//   e.g. node tests/browser/search.js public /dossier/
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const os = require('os');

const [root, basePath] = [process.argv[2] || 'public', process.argv[3] || '/'];
const tools = process.env.VALIDATORS_HOME || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'site-validators');
const { chromium } = require(path.join(tools, 'node_modules', 'playwright-core'));

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json', '.xml': 'application/xml', '.svg': 'image/svg+xml' };

function serve() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let rel = decodeURIComponent(url.pathname);
    if (!rel.startsWith(basePath)) { res.writeHead(404); return res.end(); }
    rel = rel.slice(basePath.length);
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = path.join(root, rel);
    if (!path.resolve(file).startsWith(path.resolve(root))) { res.writeHead(400); return res.end(); }
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404); return res.end('not found'); }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
      res.end(data);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let failures = 0;
function check(ok, message) {
  console.log((ok ? 'ok   ' : 'FAIL ') + message);
  if (!ok) failures++;
}

(async () => {
  const server = await serve();
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${origin}${basePath}search/`, { waitUntil: 'load' });
    const box = page.getByLabel('Search for');
    await box.click();
    await page.keyboard.type('Kursk troops', { delay: 30 });
    await page.waitForSelector('#search-results li', { timeout: 10000 });
    const titles = await page.$$eval('#search-results h2 a', (links) => links.map((a) => a.textContent));
    check(titles.length > 0, `a query finds results (${titles.length})`);
    check(titles[0] && titles[0].includes('North Korean troops'), `the matching explainer comes first: "${titles[0]}"`);
    const status = await page.textContent('#search-status');
    check(/result/.test(status), `the status line counts the results: "${status}"`);
    check(new URL(page.url()).searchParams.get('q') === 'Kursk troops', 'the query is kept in the address');
    check((await page.$$('#search-results mark')).length > 0, 'matching words are highlighted');

    // the keyboard reaches the results
    await box.focus();
    await page.keyboard.press('ArrowDown');
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.textContent);
    check(focused === titles[0], `ArrowDown moves to the first result: "${focused}"`);
    await Promise.all([page.waitForURL('**/articles/**', { timeout: 10000 }).catch(() => {}), page.keyboard.press('Enter')]);
    check(page.url().includes('/articles/north-korea-troops-russia/'), `Enter opens it: ${page.url()}`);

    // a word the site stems: "tariffs" finds explainers that say "tariff"
    await page.goto(`${origin}${basePath}search/?q=tariffs`, { waitUntil: 'load' });
    await page.waitForSelector('#search-results li', { timeout: 10000 });
    const tariffTitles = await page.$$eval('#search-results h2 a', (links) => links.map((a) => a.textContent));
    check(tariffTitles.some((t) => /Trade, tariffs/.test(t)), `a query from the address runs: ${tariffTitles[0]}`);

    // actors are found by alias and a prefix while typing
    await page.goto(`${origin}${basePath}search/`, { waitUntil: 'load' });
    await page.getByLabel('Search for').fill('ishib');
    await page.waitForSelector('#search-results li', { timeout: 10000 });
    const ishiba = await page.$$eval('#search-results h2 a', (links) => links.map((a) => a.textContent));
    check(ishiba.includes('Shigeru Ishiba'), `a prefix finds the actor: ${ishiba.slice(0, 3).join(', ')}`);

    // the browser's own Unicode data: the shipped search.js splits the shared cases as Rust does
    // (tests/browser/search-words.json; tests/search_words.rs checks Rust's side)
    const cases = JSON.parse(fs.readFileSync(path.join(__dirname, 'search-words.json'), 'utf8'));
    const shipped = fs.readFileSync(path.join(root, 'search.js'), 'utf8');
    const split = await page.evaluate(([source, texts]) => {
      const module = { exports: {} };
      new Function('module', source)(module);
      return texts.map((text) => module.exports.words(text));
    }, [shipped, cases.map((c) => c.text)]);
    const differ = cases.filter((c, i) => JSON.stringify(split[i]) !== JSON.stringify(c.words));
    check(differ.length === 0, `Chromium splits the ${cases.length} shared cases as Rust does${differ.length ? ': ' + differ.map((c) => c.case).join(', ') : ''}`);

    await page.getByLabel('Search for').fill('zzzznothing');
    await page.waitForFunction(() => document.getElementById('search-status').textContent === 'No results.', null, { timeout: 10000 });
    check(true, 'a query without matches says so');
    check(errors.length === 0, `no script errors${errors.length ? ': ' + errors.join('; ') : ''}`);
  } finally {
    await browser.close();
    server.close();
  }
  if (failures) { console.error(`${failures} check(s) failed`); process.exit(1); }
  console.log('search browser test passed');
})().catch((e) => { console.error(e); process.exit(2); });

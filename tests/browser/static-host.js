// The one static host and browser launch of the browser tests: serves a built site under its base
// path as a static host does (index.html for folders, the site's 404.html with status 404, paths
// outside the folder refused), optionally slowed by `delay()` milliseconds per response; and
// starts the Chromium that setup-validators installs, through playwright-core; `withPage` does
// both for a test and closes everything after it.
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const os = require('os');

const tools = process.env.VALIDATORS_HOME || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'site-validators');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json',
  '.xml': 'application/xml', '.svg': 'image/svg+xml', '.png': 'image/png', '.webp': 'image/webp',
};

// Serves `root` under `basePath` on a free loopback port; `delay` returns the milliseconds to
// wait before each response (0 unless a test slows the network).
function serve(root, basePath, delay = () => 0) {
  const notFound = (res) => fs.readFile(path.join(root, '404.html'), (err, page) => {
    res.writeHead(404, { 'content-type': TYPES['.html'] });
    res.end(err ? 'not found' : page);
  });
  const server = http.createServer((req, res) => setTimeout(() => {
    let rel = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    if (!rel.startsWith(basePath)) return notFound(res);
    rel = rel.slice(basePath.length);
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = path.join(root, rel);
    if (!path.resolve(file).startsWith(path.resolve(root))) { res.writeHead(400); return res.end(); }
    fs.readFile(file, (err, data) => {
      if (err) return notFound(res);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
      res.end(data);
    });
  }, delay()));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function launch() {
  const { chromium } = require(path.join(tools, 'node_modules', 'playwright-core'));
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

// Serves `root` under `basePath` (each response slowed by `delay()` ms), launches Chromium, opens
// a page (`options` as browser.newPage takes them) and runs `fn({ page, browser, origin })`; then
// closes the page, the browser and the server, also when `fn` or a step before it fails. Returns
// what `fn` returns. A test that needs more pages opens them from `browser`.
async function withPage({ root, basePath, delay = () => 0, options = {} }, fn) {
  const server = await serve(root, basePath, delay);
  try {
    const browser = await launch();
    try {
      const page = await browser.newPage(options);
      try {
        return await fn({ page, browser, origin: `http://127.0.0.1:${server.address().port}` });
      } finally {
        await page.close().catch(() => {});
      }
    } finally {
      await browser.close();
    }
  } finally {
    server.close();
  }
}

// Opens the search page at `url` in `page`, waits for meta.json (fetched on load), types `text` at
// `keyDelay` ms a key, and returns how many ms after the last keystroke the first result shows
// (measured in the page), with the times each request was made, by Date.now().
async function timeToResults(page, url, text, { keyDelay = 60, settle = 400 } = {}) {
  const requests = [];
  page.on('request', (r) => requests.push({ at: Date.now(), url: r.url() }));
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForTimeout(settle);
  await page.evaluate(() => {
    window.__lastKey = 0;
    document.getElementById('search-query').addEventListener('input', () => { window.__lastKey = performance.now(); });
    new MutationObserver(() => {
      if (!window.__shown && document.querySelector('#search-results li')) window.__shown = performance.now();
    }).observe(document.getElementById('search-results'), { childList: true });
  });
  await page.getByLabel('Search for').click();
  const typed = Date.now();
  await page.keyboard.type(text, { delay: keyDelay });
  const lastKey = Date.now();
  await page.waitForFunction(() => window.__shown, null, { timeout: 10000 });
  const took = await page.evaluate(() => window.__shown - window.__lastKey);
  return { took, typed, lastKey, requests };
}

module.exports = { serve, launch, withPage, timeToResults, tools };

#!/usr/bin/env node
// axe on the search page with results shown (snippets, marks, "Show more"), in light and dark
// mode, at 390 and 1280 px: every violation of any impact fails. validate-site checks pages as
// built, before a script has shown any result.
//
// usage: node tests/browser/search-axe.js PUBLIC_DIR BASE_PATH [QUERY] [--shots DIR]
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const os = require('os');

const [root, basePath, query] = [process.argv[2] || 'public', process.argv[3] || '/', process.argv[4] || 'china'];
const shotsAt = process.argv.indexOf('--shots');
const shots = shotsAt > 0 ? process.argv[shotsAt + 1] : null;
const tools = process.env.VALIDATORS_HOME || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'site-validators');
const { chromium } = require(path.join(tools, 'node_modules', 'playwright-core'));
const axeSource = fs.readFileSync(path.join(tools, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json' };

function serve() {
  const server = http.createServer((req, res) => {
    let rel = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
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

(async () => {
  const server = await serve();
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  let failures = 0;
  try {
    for (const colorScheme of ['light', 'dark']) {
      for (const width of [390, 1280]) {
        const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme });
        await page.goto(`${origin}${basePath}search/?q=${encodeURIComponent(query)}`, { waitUntil: 'load' });
        await page.waitForSelector('#search-results li .snippet', { timeout: 10000 });
        if (await page.isVisible('#search-more')) {
          await page.click('#search-more');
          await page.waitForFunction(() => document.querySelectorAll('#search-results li').length > 10, null, { timeout: 10000 });
        }
        await page.addScriptTag({ content: axeSource });
        const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
        const found = result.violations.map((v) => `${v.id} (${v.impact}, ${v.nodes.length}): ${v.nodes[0].target.join(' ')}`);
        console.log(`${found.length ? 'FAIL' : 'ok  '} axe, ${colorScheme}, ${width} px: ${found.length} violations${found.length ? '\n  ' + found.join('\n  ') : ''}`);
        failures += found.length;
        if (shots) await page.screenshot({ path: path.join(shots, `search-${colorScheme}-${width}.png`) });
        await page.close();
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  process.exit(failures ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });

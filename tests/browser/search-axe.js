#!/usr/bin/env node
// axe on the search page with results shown (snippets, marks, "Show more"), in light and dark
// mode, at 390 and 1280 px: every violation of any impact fails. validate-site checks pages as
// built, before a script has shown any result.
//
// usage: node tests/browser/search-axe.js PUBLIC_DIR BASE_PATH [QUERY] [--shots DIR]
'use strict';
const fs = require('fs');
const path = require('path');

const [root, basePath, query] = [process.argv[2] || 'public', process.argv[3] || '/', process.argv[4] || 'china'];
const shotsAt = process.argv.indexOf('--shots');
const shots = shotsAt > 0 ? process.argv[shotsAt + 1] : null;
const { withPage, tools } = require('./static-host');
const axeSource = fs.readFileSync(path.join(tools, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');


(async () => {
  let failures = 0;
  await withPage({ root, basePath }, async ({ browser, origin }) => {
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
  });
  process.exit(failures ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });

#!/usr/bin/env node
// Browser test of /search/ on a site in another language (docs/i18n.md): serves a built site
// whose `language` is French (tests/fixtures/i18n-fr), types queries in headless Chromium, and
// checks that search.js speaks French: the result count with its plural chosen by the browser's
// CLDR rules ("1 résultat", "2 résultats"), the kind of each result, "Aucun résultat.", and that
// the page's own words (label, button) are French.
//
// usage: node tests/browser/search-i18n.js PUBLIC_DIR [BASE_PATH]
//   e.g. dossier build --root tests/fixtures/i18n-fr --output /tmp/fr && node tests/browser/search-i18n.js /tmp/fr
'use strict';

const [root, basePath] = [process.argv[2] || 'public', process.argv[3] || '/'];
const { withPage } = require('./static-host');

let failures = 0;
function check(ok, message) {
  console.log((ok ? 'ok   ' : 'FAIL ') + message);
  if (!ok) failures++;
}

// Runs `query` from the address and returns the status line once search.js has written it.
async function statusOf(page, origin, query) {
  await page.goto(`${origin}${basePath}search/?q=${encodeURIComponent(query)}`, { waitUntil: 'load' });
  await page.waitForFunction(() => {
    const s = document.getElementById('search-status').textContent;
    return s && !/…$/.test(s);
  }, null, { timeout: 10000 });
  return page.textContent('#search-status');
}

(async () => {
  await withPage({ root, basePath }, async ({ page, origin }) => {
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${origin}${basePath}search/`, { waitUntil: 'load' });
    check(await page.getByLabel('Rechercher', { exact: true }).count() === 1, 'the search box is labelled in French');

    const one = await statusOf(page, origin, 'manœuvres');
    check(one === '1 résultat.', `one result, in French: "${one}"`);
    const kinds = await page.$$eval('#search-results .result-kind', (ps) => ps.map((p) => p.textContent));
    check(kinds.length === 1 && kinds[0].startsWith('Décryptage · 12 septembre 2024'), `the kind of a result, in French: "${kinds[0]}"`);

    const two = await statusOf(page, origin, 'négociations');
    check(two === '2 résultats.', `two results, the plural the browser's rules choose: "${two}"`);

    const none = await statusOf(page, origin, 'zzzzqqq');
    check(none === 'Aucun résultat.', `no result, in French: "${none}"`);
    check(errors.length === 0, `no script errors: ${errors.join('; ')}`);
  });
  if (failures) {
    console.log(`${failures} check(s) failed`);
    process.exit(1);
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});

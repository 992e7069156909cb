#!/usr/bin/env node
// Browser test of /search/: serves a built site under its base path, types queries into the
// search box in headless Chromium (playwright-core, as installed by setup-validators), and checks
// that the matching explainer is found and that the results can be reached with the keyboard;
// that "Show more" lists ten more, by keyboard, and says how many are shown; that snippets show
// the passage of the match with the words marked (bold and underlined, not by colour alone);
// that with 100 ms added to every response the first results show within 350 ms of the last
// keystroke; that without JavaScript the page offers the archive instead of a form; also that
// Chromium's run of the shipped search.js splits words as Rust does.
//
// usage: node tests/browser/search.js PUBLIC_DIR BASE_PATH
//   e.g. node tests/browser/search.js public /dossier/
'use strict';
const fs = require('fs');
const path = require('path');

const [root, basePath] = [process.argv[2] || 'public', process.argv[3] || '/'];
const { withPage, timeToResults } = require('./static-host');


// Milliseconds added to every response (the round trip of a slow network), while set.
let delay = 0;


let failures = 0;
function check(ok, message) {
  console.log((ok ? 'ok   ' : 'FAIL ') + message);
  if (!ok) failures++;
}

(async () => {
  await withPage({ root, basePath, delay: () => delay }, async ({ page, browser, origin }) => {
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

    // "Show more": ten more results, reached and pressed by keyboard, the count announced
    await page.goto(`${origin}${basePath}search/?q=china`, { waitUntil: 'load' });
    await page.waitForSelector('#search-results li', { timeout: 10000 });
    const before = await page.$$eval('#search-results li', (items) => items.length);
    const moreVisible = await page.isVisible('#search-more');
    check(before === 10 && moreVisible, `ten results first, then a "Show more" button (${before}, visible: ${moreVisible})`);
    check(/Showing 10 of \d+ results/.test(await page.textContent('#search-status')), `the status says how many are shown: "${await page.textContent('#search-status')}"`);
    check((await page.getAttribute('#search-status', 'aria-live')) === 'polite', 'the count is announced (aria-live)');
    await page.focus('#search-results li:last-child a');
    await page.keyboard.press('Tab');
    const onMore = await page.evaluate(() => document.activeElement && document.activeElement.id);
    check(onMore === 'search-more', `Tab from the last result reaches "Show more" (${onMore})`);
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => document.querySelectorAll('#search-results li').length > n, before, { timeout: 10000 });
    const after = await page.$$eval('#search-results li', (items) => items.length);
    const focusedEleventh = await page.evaluate(() => document.activeElement === document.querySelectorAll('#search-results li a')[10]);
    check(after > 10 && focusedEleventh, `Enter on "Show more" adds results and moves to the first new one (${after})`);
    const status2 = await page.textContent('#search-status');
    check(status2.includes(String(after)), `the status counts the shown results again: "${status2}"`);

    // snippets: the passage around a match in the text, the words marked not by colour alone
    await page.goto(`${origin}${basePath}search/?q=Kursk`, { waitUntil: 'load' });
    await page.waitForSelector('#search-results li .snippet mark', { timeout: 10000 });
    const snippet = await page.textContent('#search-results li .snippet');
    check(/kursk/i.test(snippet), `the snippet shows the match: "${snippet.slice(0, 80)}…"`);
    const markStyle = await page.$eval('#search-results .snippet mark', (m) => {
      const s = getComputedStyle(m);
      return { weight: s.fontWeight, line: s.textDecorationLine };
    });
    check(Number(markStyle.weight) >= 700 && markStyle.line.includes('underline'), `marks are bold and underlined: ${JSON.stringify(markStyle)}`);

    // one round trip: with 100 ms added to every response, results within 350 ms of the last key
    delay = 100;
    const slow = await browser.newPage();
    const { took } = await timeToResults(slow, `${origin}${basePath}search/`, 'tariffs trade');
    check(took < 350, `with 100 ms per request, results show ${Math.round(took)} ms after the last keystroke (< 350)`);
    await slow.close();
    delay = 0;

    // without JavaScript: no form (it would reload with ?q= and an empty box), the archive instead
    const plain = await browser.newContext({ javaScriptEnabled: false });
    const nojs = await plain.newPage();
    await nojs.goto(`${origin}${basePath}search/?q=china`, { waitUntil: 'load' });
    check(!(await nojs.isVisible('form.search-form')), 'without JavaScript the form is hidden');
    const offered = await nojs.$$eval('#search-no-script a', (links) => links.map((a) => a.getAttribute('href')));
    check(offered.some((h) => h.endsWith('/topics/')) && offered.length >= 2, `without JavaScript the page links to the archive and topics: ${offered.join(', ')}`);
    await plain.close();

    await page.goto(`${origin}${basePath}search/`, { waitUntil: 'load' });
    await page.getByLabel('Search for').fill('zzzznothing');
    await page.waitForFunction(() => document.getElementById('search-status').textContent === 'No results.', null, { timeout: 10000 });
    check(true, 'a query without matches says so');
    check(errors.length === 0, `no script errors${errors.length ? ': ' + errors.join('; ') : ''}`);
  });
  if (failures) { console.error(`${failures} check(s) failed`); process.exit(1); }
  console.log('search browser test passed');
})().catch((e) => { console.error(e); process.exit(2); });

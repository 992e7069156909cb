#!/usr/bin/env node
// Browser test of the pages readers land on: the home page, an explainer, a topic, an actor and
// the 404 page. Serves a built site under its base path in headless Chromium (playwright-core, as
// installed by setup-validators) and checks:
// - target sizes (WCAG 2.5.8): every visible link, button and input at 390 and 1280 px is at
//   least 24 x 24 px, or a 24 px circle centred on it touches no other target and no other such
//   circle. Links inside running text are exempt, as 2.5.8 allows (see `inSentence`);
// - the first screen of a phone: at 320 x 640 the site nav is one row, and an explainer's date
//   and the start of its key points are above 640 px; on the home page (390 x 844 and 320 x 640)
//   the lead explainer's title and first key point are on the first screen;
// - the figures: every SVG label is at least 14 px as drawn, and no line crosses a label;
// - axe-core finds no violation of any impact, light and dark, on every page of the site.
//
// usage: node tests/browser/pages.js PUBLIC_DIR BASE_PATH
//   e.g. node tests/browser/pages.js public /dossier/
'use strict';
const fs = require('fs');
const path = require('path');

const [root, basePath] = [process.argv[2] || 'public', process.argv[3] || '/'];
const { withPage, tools } = require('./static-host');
const AXE = path.join(tools, 'node_modules', 'axe-core', 'axe.min.js');


// the pages of the example site this test measures
const PAGES = {
  home: '',
  explainer: 'articles/biden-xi-lima/',
  topic: 'topics/north-korea-and-russia/',
  actor: 'actors/xi-jinping/',
  notFound: 'no-such-page/',
};


let failures = 0;
function check(ok, message) {
  console.log((ok ? 'ok   ' : 'FAIL ') + message);
  if (!ok) failures++;
}

// Runs in the page: the targets smaller than 24 x 24 px whose 24 px circle touches another target
// or another such circle. A link is "in a sentence" (exempt, WCAG 2.5.8's inline exception) when
// it is laid out inline, its text has at least 4 characters (so citation and footnote numbers are
// never exempt), and the block around it holds at least 30 characters of text outside links that
// flows in the same lines: text in inline elements only, not in blocks such as a list's notes.
function smallTargets() {
  const BLOCKS = 'p, li, dd, dt, td, th, blockquote, figcaption, cite, h1, h2, h3, h4';
  function inlineText(node, container) {
    let text = '';
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) text += child.textContent;
      else if (child.nodeType === Node.ELEMENT_NODE && !child.matches('a, button')
        && getComputedStyle(child).display === 'inline') text += inlineText(child, container);
    }
    return text;
  }
  function inSentence(el) {
    if (getComputedStyle(el).display !== 'inline') return false;
    if (el.textContent.trim().length < 4) return false;
    const block = el.parentElement && el.parentElement.closest(BLOCKS);
    return !!block && inlineText(block, block).replace(/\s+/g, '').length >= 30;
  }
  const targets = [];
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue;
    if (r.bottom + window.scrollY <= 0) continue; // off screen until focused (the skip link)
    if (el.closest('[aria-hidden=true]')) continue;
    targets.push({ el, r, small: (r.width < 23.95 || r.height < 23.95) && !inSentence(el) });
  }
  const center = (r) => [r.left + r.width / 2, r.top + r.height / 2];
  const circleHitsRect = ([x, y], r) => {
    const dx = Math.max(r.left - x, 0, x - r.right);
    const dy = Math.max(r.top - y, 0, y - r.bottom);
    return dx * dx + dy * dy < 12 * 12 - 0.01;
  };
  const bad = [];
  for (const t of targets) {
    if (!t.small) continue;
    const c = center(t.r);
    for (const o of targets) {
      if (o === t) continue;
      const hit = circleHitsRect(c, o.r) || (o.small && Math.hypot(c[0] - center(o.r)[0], c[1] - center(o.r)[1]) < 24 - 0.01);
      if (hit) {
        const name = (el) => `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ')[0] : ''} "${(el.textContent || el.value || '').trim().slice(0, 30)}"`;
        bad.push(`${name(t.el)} ${Math.round(t.r.width)}x${Math.round(t.r.height)} is too close to ${name(o.el)}`);
        break;
      }
    }
  }
  return { count: targets.length, bad };
}

// Runs in the page: SVG labels smaller than 14 px as drawn, and lines that cross a label.
function figureProblems() {
  const problems = [];
  for (const svg of document.querySelectorAll('svg.figure-svg')) {
    const box = svg.getBoundingClientRect();
    if (box.width === 0) continue;
    const scale = box.width / svg.viewBox.baseVal.width;
    const texts = [...svg.querySelectorAll('text')];
    for (const t of texts) {
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (px < 14) problems.push(`"${t.textContent}" is ${px.toFixed(1)} px`);
    }
    const boxes = texts.map((t) => ({ t, b: t.getBBox() }));
    for (const line of svg.querySelectorAll('line')) {
      const [x1, y1, x2, y2] = ['x1', 'y1', 'x2', 'y2'].map((a) => line[a].baseVal.value);
      for (const { t, b } of boxes) {
        // sample the segment: a line crosses a label when a point of it is inside the label's box
        for (let i = 0; i <= 200; i++) {
          const x = x1 + ((x2 - x1) * i) / 200;
          const y = y1 + ((y2 - y1) * i) / 200;
          if (x > b.x + 1 && x < b.x + b.width - 1 && y > b.y + 1 && y < b.y + b.height - 1) {
            problems.push(`a ${line.getAttribute('class')} line crosses "${t.textContent}"`);
            break;
          }
        }
      }
    }
  }
  return problems;
}

async function axe(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
}

function htmlPages(dir, rel = '') {
  const out = [];
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const sub = path.posix.join(rel, entry.name);
    if (entry.isDirectory()) out.push(...htmlPages(dir, sub));
    else if (entry.name.endsWith('.html')) {
      const text = fs.readFileSync(path.join(dir, sub), 'utf8');
      // redirect pages of old addresses leave for their target at once
      if (!/http-equiv="refresh"/i.test(text)) out.push(sub.replace(/index\.html$/, ''));
    }
  }
  return out.sort();
}

(async () => {
  await withPage({ root, basePath }, async ({ page, origin }) => {
    const url = (rel) => `${origin}${basePath}${rel}`;
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));

    // target sizes
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      for (const [name, rel] of Object.entries(PAGES)) {
        await page.goto(url(rel), { waitUntil: 'load' });
        const { count, bad } = await page.evaluate(smallTargets);
        check(count > 5 && bad.length === 0, `${name} at ${width} px: ${count} targets, none too small and too close${bad.length ? ':\n       ' + bad.join('\n       ') : ''}`);
      }
    }

    // the first screen of a phone
    await page.setViewportSize({ width: 320, height: 640 });
    await page.goto(url(PAGES.explainer), { waitUntil: 'load' });
    const first = await page.evaluate(() => {
      const top = (sel) => { const el = document.querySelector(sel); return el ? el.getBoundingClientRect().top : Infinity; };
      const rows = new Set([...document.querySelectorAll('.site-nav li')].map((li) => Math.round(li.getBoundingClientRect().top)));
      return { date: top('.byline time'), points: top('.takeaways li'), navRows: rows.size, overflow: document.documentElement.scrollWidth - window.innerWidth };
    });
    check(first.navRows === 1, `at 320 px the site nav is one row (${first.navRows})`);
    check(first.date < 640, `at 320 x 640 the explainer's date is on the first screen (top ${Math.round(first.date)} px)`);
    check(first.points < 600, `at 320 x 640 the key points start on the first screen (first point at ${Math.round(first.points)} px)`);
    check(first.overflow <= 0, `at 320 px the explainer does not scroll sideways (${first.overflow} px)`);
    for (const [width, height] of [[390, 844], [320, 640]]) {
      await page.setViewportSize({ width, height });
      await page.goto(url(PAGES.home), { waitUntil: 'load' });
      const home = await page.evaluate(() => {
        const rect = (sel) => { const el = document.querySelector(sel); return el ? el.getBoundingClientRect() : { top: Infinity, bottom: Infinity }; };
        return { title: rect('.lead-title').bottom, point: rect('.lead-points li').top, h1: document.querySelectorAll('h1').length };
      });
      check(home.title < height && home.point < height - 20, `home at ${width} x ${height}: the lead explainer's title (bottom ${Math.round(home.title)} px) and first key point (top ${Math.round(home.point)} px) are on the first screen`);
      check(home.h1 === 1, `home has one h1 (${home.h1})`);
    }

    // figures, where they are shown (wider than 36rem)
    for (const width of [600, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      for (const name of ['topic', 'actor']) {
        await page.goto(url(PAGES[name]), { waitUntil: 'load' });
        const figures = await page.$$eval('svg.figure-svg', (s) => s.length);
        const problems = await page.evaluate(figureProblems);
        check(figures > 0 && problems.length === 0, `${name} figure at ${width} px: labels at least 14 px, no line across a label${problems.length ? ':\n       ' + problems.join('\n       ') : ''}`);
      }
    }

    // axe on every page, light and dark
    await page.setViewportSize({ width: 1280, height: 900 });
    const all = htmlPages(root).filter((rel) => rel !== '404.html');
    all.push(PAGES.notFound);
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      const found = [];
      for (const rel of all) {
        await page.goto(url(rel), { waitUntil: 'load' });
        for (const v of await axe(page)) found.push(`/${rel}: ${v}`);
      }
      check(found.length === 0, `axe, ${scheme}: no violations on ${all.length} pages${found.length ? ':\n       ' + found.join('\n       ') : ''}`);
    }
    check(errors.length === 0, `no script errors${errors.length ? ': ' + errors.join('; ') : ''}`);
  });
  console.log(failures ? `${failures} failed` : 'all passed');
  process.exit(failures ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });

// The one static host and browser launch of the browser tests: serves a built site under its base
// path as a static host does (index.html for folders, the site's 404.html with status 404, paths
// outside the folder refused), optionally slowed by `delay()` milliseconds per response; and
// starts the Chromium that setup-validators installs, through playwright-core.
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

module.exports = { serve, launch, tools };

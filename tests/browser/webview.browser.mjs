// The Flask webview example (examples/python/webview) in a real browser: `racetrack_job_runner run
// job.py` (the real gateway and the Python worker) on a free port; headless Chromium opens the page
// under /pub/job/webview/1.0.0/api/v1/webview/, the stylesheet ./static/style.css loads from the
// same prefix and is applied: every property it sets computes, on the page, to what the same CSS
// gives when inlined into the same markup, and differs from the unstyled default. The form then
// posts, redirects and the greeting page is styled too. Every request stays on the gateway.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';

const RUNNER = process.env.RACETRACK_JOB_RUNNER;
const WEBVIEW_DIR = process.env.WEBVIEW_DIR;
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const BASE = '/pub/job/webview/1.0.0/api/v1/webview';

let job;
let jobOutput = '';
let browser;
let origin;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(base, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (job.exitCode !== null) throw new Error(`the job exited (${job.exitCode}):\n${jobOutput}`);
    try {
      if ((await fetch(`${base}/ready`)).status === 200) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the job is not ready:\n${jobOutput}`);
}

// `selector { prop: value; ... }` rules of the example's stylesheet (a flat file, no at-rules).
function cssRules(text) {
  const rules = [];
  for (const [, selector, body] of text.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/([^{}]+)\{([^}]*)\}/g)) {
    const props = body.split(';').map((d) => d.split(':')[0].trim()).filter(Boolean);
    rules.push({ selector: selector.trim(), props });
  }
  return rules;
}

// The computed value of every (selector, property) of `rules` on `page`.
function computed(page, rules) {
  return page.evaluate((rules) => rules.flatMap(({ selector, props }) => {
    const el = document.querySelector(selector);
    return props.map((p) => `${selector} ${p}: ${el ? getComputedStyle(el).getPropertyValue(p) : '<missing>'}`);
  }), rules);
}

before(async () => {
  assert.ok(RUNNER && WEBVIEW_DIR, 'RACETRACK_JOB_RUNNER and WEBVIEW_DIR are required (run_webview.sh)');
  const port = await freePort();
  const env = { ...process.env };
  delete env.JOB_MANIFEST_YAML;  // the example's job.yaml names it webview 1.0.0
  job = spawn(RUNNER, ['run', 'job.py', '--port', String(port)], {
    cwd: WEBVIEW_DIR, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  job.stdout.on('data', (c) => { jobOutput += c; });
  job.stderr.on('data', (c) => { jobOutput += c; });
  origin = `http://127.0.0.1:${port}`;
  await waitReady(origin);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  if (job && job.exitCode === null) {
    const exited = new Promise((r) => job.once('exit', r));
    process.kill(-job.pid, 'SIGTERM');  // the gateway (the runner execs it) and its worker
    await exited;
  }
});

test('the webview page renders under the proxy prefix with its stylesheet applied', async () => {
  const css = readFileSync(join(WEBVIEW_DIR, 'static', 'style.css'), 'utf8');
  const rules = cssRules(css);
  assert.ok(rules.length > 0, 'style.css has rules');

  const page = await browser.newPage();
  const foreign = [];
  const failed = [];
  const errors = [];
  page.on('request', (req) => { if (!req.url().startsWith(origin)) foreign.push(req.url()); });
  page.on('requestfailed', (req) => failed.push(req.url()));
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    const stylesheet = page.waitForResponse((r) => r.url() === `${origin}${BASE}/static/style.css`);
    const response = await page.goto(`${origin}${BASE}/`, { waitUntil: 'load' });
    assert.equal(response.status(), 200);
    assert.equal(response.headers()['content-type'], 'text/html; charset=utf-8');
    const cssResponse = await stylesheet;
    assert.equal(cssResponse.status(), 200);
    assert.equal(cssResponse.headers()['content-type'], 'text/css; charset=utf-8');
    assert.equal(await cssResponse.text(), css);

    assert.equal(await page.title(), 'Webview');
    assert.equal(await page.locator('h1').innerText(), 'Hello');
    // The one stylesheet of the document is the prefixed one, and the browser parsed its rules.
    const sheets = await page.evaluate(() => [...document.styleSheets].map((s) => ({
      href: s.href, rules: [...s.cssRules].map((r) => r.selectorText),
    })));
    assert.deepEqual(sheets, [{ href: `${origin}${BASE}/static/style.css`, rules: rules.map((r) => r.selector) }]);

    const actual = await computed(page, rules);
    // Expected: the same markup with the CSS inlined; baseline: with no CSS at all.
    const html = await page.content();
    const reference = await browser.newPage();
    try {
      await reference.setContent(html.replace(/<link[^>]*stylesheet[^>]*>/, `<style>${css}</style>`));
      const expected = await computed(reference, rules);
      await reference.setContent(html.replace(/<link[^>]*stylesheet[^>]*>/, ''));
      const unstyled = await computed(reference, rules);
      assert.deepEqual(actual, expected);
      for (let i = 0; i < actual.length; i++) assert.notEqual(actual[i], unstyled[i], 'the stylesheet changes it');
    } finally {
      await reference.close();
    }
    // The example's own values, spelled out (h1 { color: #2a6 }, body { margin: 2em } at 16px).
    assert.ok(actual.includes('h1 color: rgb(34, 170, 102)'), actual.join('\n'));
    assert.ok(actual.includes('body margin: 32px'), actual.join('\n'));

    // The form posts to the prefixed /greet, which redirects back to the page, styled as before.
    await page.locator('input[name=name]').fill('Ada');
    await Promise.all([page.waitForURL(`${origin}${BASE}/`), page.getByRole('button', { name: 'Greet' }).click()]);
    assert.equal(await page.locator('h1').innerText(), 'Hello, Ada');
    assert.equal(await page.locator('h1').evaluate((el) => getComputedStyle(el).color), 'rgb(34, 170, 102)');

    assert.deepEqual(errors, []);
    assert.deepEqual(failed, []);
    assert.deepEqual(foreign, [], 'every request stays on the gateway');
  } finally {
    await page.close();
  }
});

// Swagger UI at /docs in a real browser: the real gateway supervises the C++ prime checker on an
// ephemeral port; headless Chromium opens /docs (unprefixed and under /pub/job/n/v), the perform
// operation renders, "Try it out" → "Execute" calls the job and shows `true`. Every request the
// page makes must stay on the gateway: the assets are embedded, never fetched from a CDN.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';

const GATEWAY = process.env.RACETRACK_GATEWAY_BIN;
const PRIME_JOB = process.env.RACETRACK_PRIME_JOB_BIN;
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const PERFORM_OP = '#operations-API-_perform_endpoint_api_v1_perform_post';

let gateway;
let browser;
let origin;

// Starts the gateway on port 0 and reads the bound port from its start-up line.
function startGateway() {
  const child = spawn(GATEWAY, ['--host', '127.0.0.1', '--port', '0', '--worker', PRIME_JOB], {
    env: { ...process.env, JOB_NAME: 'primer', JOB_VERSION: '0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${out}`)), 10000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/Running gateway on (http:\/\/[\d.]+:\d+)/);
      if (m) {
        clearTimeout(timer);
        child.stdout.resume();
        resolve({ child, origin: m[1] });
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`gateway exited (${code}):\n${out}`)));
  });
}

async function waitReady(base, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/ready`)).status === 200) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('gateway not ready');
}

before(async () => {
  assert.ok(GATEWAY && PRIME_JOB, 'RACETRACK_GATEWAY_BIN and RACETRACK_PRIME_JOB_BIN are required');
  ({ child: gateway, origin } = await startGateway());
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
  if (gateway && gateway.exitCode === null) {
    const exited = new Promise((r) => gateway.once('exit', r));
    process.kill(-gateway.pid, 'SIGTERM');  // the gateway and its worker
    await exited;
  }
});

// Opens `path`, executes perform with its example and returns the response body shown.
async function executePerform(path) {
  const page = await browser.newPage();
  const foreign = [];
  const errors = [];
  page.on('request', (req) => {
    if (!req.url().startsWith(origin) && !req.url().startsWith('data:')) foreign.push(req.url());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(`${origin}${path}`);
    assert.equal(await page.title(), 'Job - primer - Swagger UI');
    const op = page.locator(PERFORM_OP);
    await op.waitFor({ timeout: 15000 });
    assert.match(await op.locator('.opblock-summary').innerText(), /Call main action/);
    await op.locator('.opblock-summary').click();
    await op.getByRole('button', { name: 'Try it out' }).click();
    await op.getByRole('button', { name: 'Execute' }).click();
    const body = op.locator('.live-responses-table tr.response .response-col_description pre').first();
    await body.waitFor({ timeout: 15000 });
    const status = await op.locator('.live-responses-table tr.response .response-col_status').first().innerText();
    assert.deepEqual(errors, []);
    assert.deepEqual(foreign, [], 'every request stays on the gateway');
    return { status: status.trim(), body: (await body.innerText()).trim() };
  } finally {
    await page.close();
  }
}

test('perform renders and executes at /docs', async () => {
  const { status, body } = await executePerform('/docs');
  assert.equal(status, '200');
  assert.equal(body, 'true');
});

test('perform executes under the proxy prefix /pub/job/primer/0.0.1/docs', async () => {
  const { status, body } = await executePerform('/pub/job/primer/0.0.1/docs');
  assert.equal(status, '200');
  assert.equal(body, 'true');
});

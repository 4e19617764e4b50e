// lib.js: what the browser tests share: a throwaway gazette site, a
// headless Debian Chromium through playwright-core, and the counts: each
// testCase is one named case, failed when one of its checks fails or it
// throws; checks made outside any case form one more case, "main".
'use strict';
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.resolve(ROOT, process.env.GAZETTE_BIN || './gazette');
const ARTICLE = '/2022/01/china-offers-kazakhstan-security-cooperation';

let passed = 0, failed = 0;          // checks
let cases = 0, casesFailed = 0;
let caseChecks = 0, caseFails = 0;   // checks made inside some testCase
function check(cond, what) {
  if (cond) passed++;
  else { failed++; console.log('FAIL ' + what); }
  return cond;
}
function eq(got, want, what) {
  return check(JSON.stringify(got) === JSON.stringify(want),
    `${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}
function fail(what) { failed++; console.log('FAIL ' + what); }

// Runs fn as the case name: a failed check or a throw fails it, and the
// next case still runs.
async function testCase(name, fn) {
  const p0 = passed, f0 = failed;
  let raised = false;
  try {
    await fn();
  } catch (e) {
    raised = true;
    console.log(`FAIL ${name} raised: ${(e && e.stack) || e}`);
  }
  const checks = passed + failed - p0 - f0, fails = failed - f0;
  cases++;
  caseChecks += checks;
  caseFails += fails;
  if (raised || fails) {
    casesFailed++;
    console.log(`FAIL case ${name}: ${fails} of ${checks} checks failed` +
      (raised ? ', and it raised' : ''));
  }
}

// passed and failed count checks (as before); the case counts beside them.
function counts() {
  const loose = passed + failed - caseChecks, looseFails = failed - caseFails;
  return {
    passed, failed,
    cases: cases + (loose > 0 ? 1 : 0),
    casesFailed: casesFailed + (looseFails > 0 ? 1 : 0),
  };
}

const num = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

// The suite's closing line, "NAME: N cases, N checks: N passed, N failed"
// (passed and failed count cases), and the exit status to go with it.
function summary(name) {
  const c = counts();
  if (failed - caseFails > 0)
    console.log(`FAIL case main: ${failed - caseFails} of ${passed + failed - caseChecks} checks failed`);
  return {
    line: `${name}: ${num(c.cases)} cases, ${num(passed + failed)} checks: ` +
      `${num(c.cases - c.casesFailed)} passed, ${num(c.casesFailed)} failed`,
    status: c.casesFailed ? 1 : 0,
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

// A demo site served on a free port; env adds to the environment.
async function startSite(env) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gazette-browser-'));
  const db = path.join(dir, 'site.db');
  execFileSync(BIN, ['demo', '--db', db], { cwd: ROOT, stdio: 'pipe' });
  const port = await freePort();
  const proc = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`],
    { cwd: ROOT, env: Object.assign({}, process.env, { GAZETTE_ACCESS_LOG: 'off' }, env || {}),
      stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; });
  const deadline = Date.now() + 20000;
  while (!log.includes(`listening on http://127.0.0.1:${port}`)) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error('serve did not start: ' + log);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    dir, db, port, proc, base: `http://127.0.0.1:${port}`,
    log: () => log,
    async stop() {
      if (proc.exitCode === null) {
        const done = new Promise((r) => proc.on('exit', r));
        proc.kill('SIGTERM');
        await done;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// A fresh Chromium with a fresh profile (--user-data-dir, through
// launchPersistentContext); options go to the context (javaScriptEnabled,
// bypassCSP). close() ends it and removes the profile.
async function launch(options) {
  // Loaded here, not above, so the counting can be tested without it.
  const { chromium } = require('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gazette-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, Object.assign({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
      '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  }, options || {}));
  return {
    ctx,
    async close() {
      await ctx.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
// Posts a comment the way the form does, outside the browser: loads the
// article for the anti-forgery cookie and the form's token, then posts.
// Returns { status, location, text }.
async function post(site, fields) {
  const r = await fetch(site.base + ARTICLE);
  const page = await r.text();
  const cookie = (r.headers.get('set-cookie') || '').split(';')[0];
  const csrf = /name="csrf" value="([^"]*)"/.exec(page)[1];
  const body = new URLSearchParams(Object.assign({ csrf, website2: '' }, fields));
  const p = await fetch(site.base + ARTICLE + '/comments', {
    method: 'POST', redirect: 'manual', body: body.toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
  });
  return { status: p.status, location: p.headers.get('location'), text: await p.text() };
}

module.exports = { ARTICLE, check, eq, fail, counts, testCase, summary, startSite, launch, post };

// Browser smoke test of the built app (dist/) in headless Chromium, against a stub SMART server
// on loopback: standalone launch through fhirclient, the custodian's key file opened with its
// passphrase (Argon2id + WebCrypto in the real browser), the patient view decrypting the committed
// logN 14 vector as $encrypted-value answers, the key kept in IndexedDB across a reload and
// forgotten, an asynchronous $encrypted-mean, and every request the page makes checked for the key.
// The stub is not the Homocloud server: the run against fhir-server with the Synthea data is
// serverLaunch.mjs, driven by fhir-server's SmartAppBrowserE2ETest.
// Usage: npm run build && node e2e/stubLaunch.mjs   (CHROMIUM=/path to override)
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  // Maven runs this in every verify; a machine without Chromium skips it, CI (which installs it) fails.
  const message = `stub e2e: ${chromiumPath} not found (apt-get install chromium, or set CHROMIUM)`;
  if (process.env.CI === 'true') {
    console.error(message);
    process.exit(1);
  }
  console.error(`${message}: skipped`);
  process.exit(0);
}
const here = fileURLToPath(new URL('.', import.meta.url));
const dist = resolve(here, '../dist');
const vectors = resolve(here, '../../src-test-data/src/main/resources/vectors');
const artifacts = resolve(here, '../target/e2e');
mkdirSync(artifacts, { recursive: true });

const PASSPHRASE = 'homocloud test passphrase: not a real key'; // published test key (src-test-data)
const vector = JSON.parse(readFileSync(join(vectors, 'logn14-sk-top-real.json'), 'utf8'));
const ciphertext = readFileSync(join(vectors, vector.ciphertext)).toString('base64');
// What $encrypted-value really sends: a packed ciphertext isolated to two slots (IsolatedValueVectorTest).
const isolated = JSON.parse(readFileSync(join(vectors, 'isolated/logn14-isolated-slots.json'), 'utf8'));
const isolatedCiphertext = readFileSync(join(vectors, isolated.ciphertext)).toString('base64');
const secretKey = readFileSync(join(vectors, 'logn14/secret-key.bin'));
const keyFile = join(vectors, 'key-files/logn14-test-key.hckf');

const encrypted = { _value: { extension: [{ url: 'http://homocloud.org/fhir/StructureDefinition/encrypted-value' }] }, unit: 'mg/dL' };
const glucose = { system: 'http://loinc.org', code: '2339-0', display: 'Glucose' };
const observation = (id, date) => ({ resourceType: 'Observation', id, code: { coding: [glucose] }, effectiveDateTime: date, valueQuantity: encrypted });
const value = (slot, bytes = isolatedCiphertext) => ({
  name: 'value',
  part: [
    { name: 'path', valueString: 'valueQuantity' },
    { name: 'keySet', valueString: 'test-key-logn14' },
    { name: 'keySetVersion', valueInteger: 1 },
    { name: 'slot', valueInteger: slot },
    { name: 'unit', valueString: 'mg/dL' },
    { name: 'ciphertext', valueBase64Binary: bytes },
  ],
});
const b64url = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');

let meanPolls = 0;
const server = http.createServer((req, res) => {
  const url = new URL(req.url, origin);
  const json = (body, status = 200, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/fhir+json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  if (url.pathname.startsWith('/app/')) {
    const file = url.pathname === '/app/' ? 'index.html' : url.pathname.slice('/app/'.length);
    const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
    try {
      const body = readFileSync(join(dist, file));
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
      return res.end(body);
    } catch {
      res.writeHead(404);
      return res.end();
    }
  }
  switch (url.pathname) {
    case '/fhir/.well-known/smart-configuration':
      return json({
        authorization_endpoint: `${origin}/auth/authorize`,
        token_endpoint: `${origin}/auth/token`,
        code_challenge_methods_supported: ['S256'],
        capabilities: ['launch-standalone', 'client-public', 'context-standalone-patient'],
      });
    case '/auth/authorize': {
      const back = new URL(url.searchParams.get('redirect_uri'));
      back.searchParams.set('code', 'stub-code');
      back.searchParams.set('state', url.searchParams.get('state'));
      res.writeHead(302, { location: back.href });
      return res.end();
    }
    case '/auth/token':
      return json({
        access_token: 'stub-token',
        token_type: 'Bearer',
        expires_in: 3600,
        scope: 'openid fhirUser launch/patient patient/Observation.rs user/Observation.rs',
        patient: 'p1',
        id_token: `${b64url({ alg: 'none' })}.${b64url({ fhirUser: `${origin}/fhir/Practitioner/ada`, sub: 'ada' })}.`,
      });
    case '/fhir/Practitioner/ada':
      return json({ resourceType: 'Practitioner', id: 'ada', name: [{ given: ['Ada'], family: 'Lovelace' }] });
    case '/fhir/Patient/p1':
      return json({ resourceType: 'Patient', id: 'p1', name: [{ text: 'Grace Hopper' }], birthDate: '1906-12-09' });
    case '/fhir/Observation':
      if (url.searchParams.has('_elements')) return json({ resourceType: 'Bundle', entry: [{ resource: { resourceType: 'Observation', code: { coding: [glucose] }, valueQuantity: encrypted } }] });
      return json({ resourceType: 'Bundle', entry: [{ resource: observation('o1', '2020-01-05') }, { resource: observation('o2', '2020-02-07') }] });
    case '/fhir/Observation/o1/$encrypted-value':
      return json({ resourceType: 'Parameters', parameter: [value(isolated.slots[0])] });
    case '/fhir/Observation/o2/$encrypted-value':
      return json({ resourceType: 'Parameters', parameter: [value(isolated.slots[1])] });
    case '/fhir/Observation/$encrypted-mean':
      return json(undefined, 202, { 'content-location': `${origin}/fhir/$job/1`, 'x-progress': 'queued' });
    case '/fhir/$job/1':
      if (++meanPolls < 2) return json(undefined, 202, { 'content-location': `${origin}/fhir/$job/1`, 'x-progress': 'running 50%' });
      return json({
        resourceType: 'Parameters',
        parameter: [
          { name: 'count', valueInteger: 321 },
          { name: 'keySet', valueString: 'test-key-logn14' },
          { name: 'keySetVersion', valueInteger: 1 },
          { name: 'statistic', part: [{ name: 'name', valueCode: 'mean' }, { name: 'ciphertext', valueBase64Binary: ciphertext }] },
        ],
      });
    default:
      return json({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found', diagnostics: url.pathname }] }, 404);
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

const failures = [];
const check = (ok, what) => {
  console.error(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
const context = await browser.newContext();
const page = await context.newPage();
const requests = [];
page.on('request', (r) => requests.push({ url: r.url(), body: r.postDataBuffer() ?? Buffer.alloc(0) }));
page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
try {
  await page.goto(`${origin}/app/`);
  await page.getByText('Ada Lovelace').waitFor({ timeout: 15000 });
  check(await page.getByText('Grace Hopper (born 1906-12-09)').isVisible(), 'header names the user and the patient in context');
  check(await page.getByText('No key loaded', { exact: false }).first().isVisible(), 'no key at first');

  await page.getByLabel('Key file (.hckf)').setInputFiles(keyFile);
  await page.getByLabel('Passphrase').fill('not the passphrase');
  await page.getByRole('button', { name: 'Load key' }).click();
  await page.getByText('Wrong passphrase', { exact: true }).waitFor({ timeout: 15000 });
  check(true, 'a wrong passphrase is refused in the browser');

  await page.getByLabel('Passphrase').fill(PASSPHRASE);
  await page.getByLabel(/Keep the key on this device/).check();
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Load key' }).click();
  await page.getByText('Key loaded: key set test-key-logn14').waitFor({ timeout: 15000 });
  const keyMs = Date.now() - t0;

  const table = page.getByRole('table');
  await page.getByRole('img', { name: /Glucose \(mg\/dL\): 2 points/ }).waitFor({ timeout: 30000 });
  const shown = (await table.locator('tbody tr td:nth-child(3)').allTextContents()).map((t) => Number(t.replace(/,/g, '')));
  const errors = shown.map((s, i) => Math.abs(s - isolated.expected[i]));
  check(errors.length === 2 && errors.every((e) => e <= 0.5e-4), `patient view shows ${shown.join(', ')} for encrypted ${isolated.expected.join(', ')}`);
  await page.screenshot({ path: join(artifacts, 'patient-view.png'), fullPage: true });

  await page.reload();
  await page.getByText('Key loaded: key set test-key-logn14').waitFor({ timeout: 15000 });
  check(true, 'the key comes back from IndexedDB after a reload, without the passphrase');

  await page.getByRole('tab', { name: 'Cohort' }).click();
  await page.getByLabel('Observation code').selectOption('http://loinc.org|2339-0');
  await page.getByRole('button', { name: 'Compute encrypted mean' }).click();
  await page.getByText('Glucose: 321 Observations').waitFor({ timeout: 15000 });
  const mean = Number((await page.getByRole('row', { name: /Mean/ }).getByRole('cell').textContent()).replace(/,/g, ''));
  check(Math.abs(mean - vector.expectedRe[0]) <= 0.5e-4, `cohort view shows mean ${mean} (slot 0 of the vector: ${vector.expectedRe[0]})`);
  await page.screenshot({ path: join(artifacts, 'cohort-view.png'), fullPage: true });

  await page.getByRole('button', { name: 'Forget key' }).click();
  await page.getByLabel('Passphrase').waitFor();
  await page.reload();
  await page.getByLabel('Passphrase').waitFor({ timeout: 15000 });
  check(!(await page.getByText(/Key loaded/).isVisible()), 'after "Forget key" a reload finds no key');

  // The key never leaves the browser: no request carries the passphrase, the key file, or any
  // 16-byte run of the secret key (raw or base64) in its URL or body.
  const needles = [Buffer.from(PASSPHRASE), Buffer.from(encodeURIComponent(PASSPHRASE)), readFileSync(keyFile).subarray(-64)];
  for (let i = 23; i + 16 <= secretKey.length; i += 512) {
    needles.push(secretKey.subarray(i, i + 16), Buffer.from(secretKey.subarray(i, i + 24).toString('base64')));
  }
  const leaks = requests.filter((r) => needles.some((n) => r.body.includes(n) || Buffer.from(r.url).includes(n)));
  check(leaks.length === 0, `none of the ${requests.length} requests the page made carries the key or the passphrase`);
  console.log(JSON.stringify({ suite: 'e2e-stub', runtime: `chromium ${browser.version()}`, requests: requests.length, key_file_open_ms: keyMs, failures: failures.length }));
} catch (e) {
  failures.push(String(e));
  await page.screenshot({ path: join(artifacts, 'failure.png'), fullPage: true }).catch(() => undefined);
} finally {
  await browser.close();
  server.close();
}
if (failures.length) {
  console.error(`stub e2e: ${failures.length} failure(s):\n${failures.join('\n')}`);
  process.exit(1);
}

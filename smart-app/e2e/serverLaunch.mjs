// End to end in headless Chromium against the real Homocloud server (fhir-server) with the 40 Synthea
// bundles loaded, SMART authorization on and values encrypted at ingest (issues 7 and 8):
//  1. fhirclient, from a page of its own on another loopback port, makes a SMART App Launch 2.x
//     standalone launch: authorization code + PKCE S256 through the embedded authorization server,
//     form login, redirect back, token exchange, then reads the patient in context.
//  2. The SMART app at /app: login, the custodian's key file loaded with the keyboard alone, the
//     patient view's decrypted values compared with the patient's source bundle, the cohort mean of
//     systolic pressure (8480-6 in 55284-4 panels) compared with the plaintext mean of every bundle,
//     the regression of BMI on weight and height compared with the plaintext least-squares fit, and
//     every request the page made searched for the key file, the passphrase and the secret key.
// Variables: E2E_ORIGIN, E2E_USERNAME, E2E_PASSWORD, E2E_USER_NAME (display name), E2E_KEY_FILE,
// E2E_KEY_PASSPHRASE, E2E_SECRET_KEY (SecretKeyCodec bytes, for the leak check), E2E_SYNTHEA_DIR,
// E2E_PATIENT_BUNDLE, E2E_PATIENT_ID, E2E_FHIRCLIENT_CLIENT_ID, E2E_ARTIFACTS; CHROMIUM; E2E_ONLY=app.
// Run by fhir-server's SmartAppBrowserE2ETest (./mvnw verify), which starts the server, loads the data,
// provisions the user and writes the key file, then passes everything in E2E_* variables. Progress
// goes to stderr; the last line on stdout is one JSON object with what was compared.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const required = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`serverLaunch.mjs: ${name} is not set (run it through fhir-server's SmartAppBrowserE2ETest)`);
    process.exit(2);
  }
  return value;
};
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  console.error(`serverLaunch.mjs: ${chromiumPath} not found (apt-get install chromium, or set CHROMIUM)`);
  process.exit(1);
}
const origin = required('E2E_ORIGIN');
const username = required('E2E_USERNAME');
const password = required('E2E_PASSWORD');
const keyFile = required('E2E_KEY_FILE');
const passphrase = required('E2E_KEY_PASSPHRASE');
const secretKey = readFileSync(required('E2E_SECRET_KEY'));
const syntheaDir = required('E2E_SYNTHEA_DIR');
const patientBundle = required('E2E_PATIENT_BUNDLE');
const patientId = required('E2E_PATIENT_ID');
const userName = required('E2E_USER_NAME');
const fhirclientId = required('E2E_FHIRCLIENT_CLIENT_ID');
const here = fileURLToPath(new URL('.', import.meta.url));
const artifacts = resolve(process.env.E2E_ARTIFACTS ?? join(here, '../target/e2e-server'));
mkdirSync(artifacts, { recursive: true });
rmSync(join(artifacts, 'failure.png'), { force: true }); // from an earlier run

const LOINC = 'http://loinc.org';
const SYSTOLIC = '8480-6';
const BP_PANELS = ['55284-4', '85354-9'];
/** The app shows at most 4 decimals of a value it rounded to 2^-16 (statistics) or 2^-20 (stored values). */
const DISPLAY_TOLERANCE = 0.5e-4 + 2 ** -16;

const failures = [];
const check = (ok, what) => {
  console.error(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
  return ok;
};
const seconds = (since) => Math.round((Date.now() - since) / 100) / 10;

// ---- Expected values, from the source bundles -------------------------------------------------
const bundles = readdirSync(syntheaDir).filter((f) => f.endsWith('.json')).sort();
const observationsOf = (file) =>
  JSON.parse(readFileSync(file, 'utf8')).entry.map((e) => e.resource).filter((r) => r.resourceType === 'Observation');
const hasCode = (concept, code) => (concept?.coding ?? []).some((c) => c.system === LOINC && c.code === code);
let systolicSum = 0;
let systolicCount = 0;
let systolicPatients = 0; // one patient per bundle
for (const file of bundles) {
  const before = systolicCount;
  for (const o of observationsOf(join(syntheaDir, file))) {
    if (!BP_PANELS.some((p) => hasCode(o.code, p))) continue;
    for (const c of o.component ?? []) {
      if (hasCode(c.code, SYSTOLIC) && typeof c.valueQuantity?.value === 'number') {
        systolicSum += c.valueQuantity.value;
        systolicCount++;
      }
    }
  }
  if (systolicCount > before) systolicPatients++;
}
const systolicMean = systolicSum / systolicCount;
console.error(`plaintext: ${systolicCount} systolic values in ${bundles.length} bundles, mean ${systolicMean}`);

/** Every numeric value of the patient's bundle, by the date and label the patient view shows. */
const patientValues = new Map();
const addValue = (date, labels, value) => {
  for (const label of labels.filter(Boolean)) {
    const key = `${date}|${label}`;
    patientValues.set(key, [...(patientValues.get(key) ?? []), value]);
  }
};
for (const o of observationsOf(patientBundle)) {
  const date = (o.effectiveDateTime ?? o.effectivePeriod?.start ?? o.issued ?? '').slice(0, 10) || 'no date';
  if (typeof o.valueQuantity?.value === 'number') {
    addValue(date, [o.code?.text, ...(o.code?.coding ?? []).flatMap((c) => [c.display, c.code])], o.valueQuantity.value);
  }
  for (const c of o.component ?? []) {
    if (typeof c.valueQuantity?.value === 'number') {
      addValue(date, [c.code?.text, ...(c.code?.coding ?? []).flatMap((x) => [x.display, x.code]), o.code?.text], c.valueQuantity.value);
    }
  }
}

/**
 * The plaintext regression $encrypted-regression answers encrypted: per patient the latest value
 * (greatest effectiveDateTime) of each code, patients with every code, least squares of the outcome
 * on [1 | features] by the normal equations.
 */
const REGRESSION = { outcome: '39156-5', features: ['29463-7', '8302-2'] }; // BMI on body weight and height
const plainRegression = (() => {
  const codes = [...REGRESSION.features, REGRESSION.outcome];
  const rows = [];
  for (const file of bundles) {
    const latest = codes.map((code) =>
      observationsOf(join(syntheaDir, file))
        .filter((o) => hasCode(o.code, code) && typeof o.valueQuantity?.value === 'number' && o.effectiveDateTime)
        .sort((a, b) => (a.effectiveDateTime < b.effectiveDateTime ? 1 : a.effectiveDateTime > b.effectiveDateTime ? -1 : 0))[0],
    );
    if (latest.every(Boolean)) rows.push([1, ...latest.map((o) => o.valueQuantity.value)]);
  }
  const n = codes.length + 1;
  const gram = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => rows.reduce((sum, r) => sum + r[i] * r[j], 0)));
  return { patients: rows.length, coefficients: choleskySolve(gram) };
})();
function choleskySolve(g) {
  const p = g.length - 1;
  const l = Array.from({ length: p }, () => new Array(p).fill(0));
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = g[i][j];
      for (let k = 0; k < j; k++) sum -= l[i][k] * l[j][k];
      l[i][j] = i === j ? Math.sqrt(sum) : sum / l[j][j];
    }
  }
  const z = [];
  for (let i = 0; i < p; i++) {
    let sum = g[i][p];
    for (let k = 0; k < i; k++) sum -= l[i][k] * z[k];
    z[i] = sum / l[i][i];
  }
  const b = new Array(p).fill(0);
  for (let i = p - 1; i >= 0; i--) {
    let sum = z[i];
    for (let k = i + 1; k < p; k++) sum -= l[k][i] * b[k];
    b[i] = sum / l[i][i];
  }
  return b;
}
console.error(`plaintext regression: ${plainRegression.patients} patients, coefficients ${plainRegression.coefficients.join(', ')}`);

// ---- A page of our own for fhirclient (issue 7) -------------------------------------------------
const fhirClientJs = readFileSync(join(here, '../node_modules/fhirclient/build/fhir-client.js'));
const launchPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>fhirclient launch</title>
<script src="fhir-client.js"></script></head><body><main id="out">launching</main><script>
const params = new URLSearchParams(location.search);
const out = document.getElementById('out');
if (params.has('code') || params.has('error')) {
  FHIR.oauth2.ready().then(async (client) => {
    const patient = await client.patient.read();
    const token = client.state.tokenResponse;
    window.launchResult = { patient: client.patient.id, patientResource: patient.id, name: patient.name, birthDate: patient.birthDate,
      scope: token.scope, tokenType: token.token_type, hasIdToken: !!token.id_token, fhirUser: client.getFhirUser(),
      needPatientBanner: token.need_patient_banner, serverUrl: client.state.serverUrl };
    out.textContent = 'done';
  }).catch((e) => { window.launchResult = { error: String(e) }; out.textContent = 'failed'; });
} else {
  FHIR.oauth2.authorize({ iss: params.get('iss'), clientId: params.get('client'), pkceMode: 'required',
    scope: 'openid fhirUser launch/patient patient/Patient.rs patient/Observation.rs', redirectUri: 'launch.html' })
    .catch((e) => { window.launchResult = { error: String(e) }; out.textContent = 'failed'; });
}
</script></body></html>`;
const pageServer = http.createServer((req, res) => {
  const path = new URL(req.url, 'http://127.0.0.1').pathname;
  if (path === '/launch.html') {
    res.writeHead(200, { 'content-type': 'text/html' });
    return res.end(launchPage);
  }
  if (path === '/fhir-client.js') {
    res.writeHead(200, { 'content-type': 'text/javascript' });
    return res.end(fhirClientJs);
  }
  res.writeHead(404);
  res.end();
});
await new Promise((r) => pageServer.listen(0, '127.0.0.1', r));
const pageOrigin = `http://127.0.0.1:${pageServer.address().port}`;

const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
const result = { suite: 'e2e-server', runtime: `chromium ${browser.version()}` };
const requests = [];
const watch = (page, name) => {
  page.on('request', (r) => requests.push({ page: name, method: r.method(), url: r.url(), body: r.postDataBuffer() ?? Buffer.alloc(0) }));
  page.on('pageerror', (e) => failures.push(`${name}: page error: ${e.message}`));
  page.on('requestfailed', (r) => console.error(`${name}: request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => r.status() >= 400 && console.error(`${name}: ${r.status()} ${r.request().method()} ${r.url()}`));
};
const login = async (page) => {
  await page.locator('#username').waitFor({ timeout: 20000 });
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.getByRole('button', { name: /sign in/i }).click();
};
const shot = (page, name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true }).catch(() => undefined);

let current;
try {
  // ---- 1. fhirclient's standalone launch (E2E_ONLY=app skips it, while working on the app) ----------
  if (process.env.E2E_ONLY !== 'app') {
  const t1 = Date.now();
  const launchContext = await browser.newContext();
  current = await launchContext.newPage();
  watch(current, 'fhirclient');
  await current.goto(`${pageOrigin}/launch.html?iss=${encodeURIComponent(`${origin}/fhir`)}&client=${fhirclientId}`);
  await login(current);
  await current.waitForFunction(() => window.launchResult !== undefined, null, { timeout: 30000 });
  const launch = await current.evaluate(() => window.launchResult);
  await shot(current, 'fhirclient-launch');
  const authorize = requests.find((r) => r.page === 'fhirclient' && r.url.includes('/oauth2/authorize'));
  const authorizeUrl = authorize ? new URL(authorize.url) : null;
  const tokenRequest = requests.find((r) => r.page === 'fhirclient' && r.url.includes('/oauth2/token'));
  const tokenForm = new URLSearchParams(tokenRequest?.body.toString() ?? '');
  check(!launch.error, `fhirclient completed the launch${launch.error ? `: ${launch.error}` : ''}`);
  check(authorizeUrl?.searchParams.get('code_challenge_method') === 'S256' && !!authorizeUrl?.searchParams.get('code_challenge'),
    'the authorization request carries a PKCE S256 challenge');
  check(authorizeUrl?.searchParams.get('aud') === `${origin}/fhir`, 'aud names the FHIR server');
  check(tokenForm.get('grant_type') === 'authorization_code' && (tokenForm.get('code_verifier') ?? '').length >= 43,
    'the token exchange sends the code with its PKCE verifier');
  check(launch.patient === patientId && launch.patientResource === patientId, `patient in context ${launch.patient} read (${patientId} expected)`);
  check(/launch\/patient/.test(launch.scope ?? '') && launch.tokenType?.toLowerCase() === 'bearer' && launch.hasIdToken,
    `token: ${launch.tokenType}, scope "${launch.scope}", id_token ${launch.hasIdToken}`);
  result.fhirclient = { patient: launch.patient, scope: launch.scope, fhirUser: launch.fhirUser, seconds: seconds(t1) };
  await launchContext.close();
  }

  // ---- 2. The SMART app at /app ----------------------------------------------------------------
  const t2 = Date.now();
  const appContext = await browser.newContext({ acceptDownloads: true });
  const page = await appContext.newPage();
  current = page;
  watch(page, 'app');
  await page.goto(`${origin}/app/`);
  await login(page);
  await page.getByText(userName).first().waitFor({ timeout: 30000 });
  const header = await page.locator('header').first().textContent().catch(() => '');
  check(header.includes(userName), `the header names the signed-in user (${userName})`);
  result.launchSeconds = seconds(t2);

  // The key file with the keyboard alone: Tab to the file input, Enter opens the chooser, Tab to
  // the passphrase, type it, Tab to "Load key" (past the "keep" box), Enter.
  const fileInput = page.getByLabel('Key file (.hckf)');
  const passphraseInput = page.getByLabel('Passphrase');
  check(await fileInput.isVisible() && await passphraseInput.isVisible(), 'the key file and passphrase inputs are labelled');
  let tabs = 0;
  while (!(await fileInput.evaluate((el) => el === document.activeElement)) && tabs++ < 30) await page.keyboard.press('Tab');
  check(tabs <= 30, `the key file input is reached with Tab (${tabs} presses)`);
  // Enter (or Space, the other key a file input's button answers) opens the chooser.
  let chooser = null;
  for (const key of ['Enter', 'Space']) {
    const opened = page.waitForEvent('filechooser', { timeout: 15000 }).catch(() => null);
    await page.keyboard.press(key);
    chooser = await opened;
    if (chooser) break;
  }
  check(!!chooser, 'the keyboard opens the file chooser');
  await chooser.setFiles(keyFile);
  await page.keyboard.press('Tab');
  check(await passphraseInput.evaluate((el) => el === document.activeElement), 'Tab moves from the file input to the passphrase');
  await page.keyboard.type(passphrase);
  await page.keyboard.press('Tab'); // "keep the key on this device": left unticked
  await page.keyboard.press('Tab');
  check(await page.getByRole('button', { name: 'Load key' }).evaluate((el) => el === document.activeElement), 'Tab reaches "Load key"');
  const t3 = Date.now();
  await page.keyboard.press('Enter');
  await page.getByText(/Key loaded: key set/).waitFor({ timeout: 30000 });
  result.keyFileOpenSeconds = seconds(t3);
  check(true, `key file opened in the browser in ${result.keyFileOpenSeconds} s`);
  await shot(page, 'key-loaded');

  // Patient view: every decrypted row against the patient's bundle.
  const t4 = Date.now();
  await page.getByRole('tab', { name: 'Patient' }).click();
  const table = page.getByRole('table', { name: /Decrypted Observation values/ });
  await table.waitFor({ timeout: 60000 });
  await page.getByText(/Decrypting in your browser/).waitFor({ state: 'detached', timeout: 180000 });
  const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim())));
  let worst = 0;
  let unmatched = [];
  for (const [date, label, shown] of rows) {
    const candidates = patientValues.get(`${date}|${label}`) ?? [];
    const value = Number(shown.replace(/,/g, ''));
    const difference = Math.min(...candidates.map((c) => Math.abs(c - value)));
    if (!(difference <= DISPLAY_TOLERANCE)) unmatched.push(`${date} ${label} ${shown} (bundle: ${candidates.join(', ') || 'none'})`);
    else worst = Math.max(worst, difference);
  }
  check(rows.length > 0 && unmatched.length === 0,
    `patient view: ${rows.length} decrypted values match the bundle within ${DISPLAY_TOLERANCE.toExponential(2)} (worst ${worst.toExponential(2)})${unmatched.length ? `; unmatched: ${unmatched.slice(0, 5).join('; ')}` : ''}`);
  const failedNotice = await page.getByText(/could not be decrypted/).count();
  check(failedNotice === 0, 'no value failed to decrypt');
  const example = rows.find(([, label]) => /Systolic/i.test(label)) ?? rows[0];
  result.patient = { id: patientId, rows: rows.length, compared: rows.length - unmatched.length, worstDifference: worst, example, seconds: seconds(t4) };
  await shot(page, 'patient-view');

  // Cohort view: mean systolic pressure over every panel in the server.
  const t5 = Date.now();
  await page.getByRole('tab', { name: 'Cohort' }).click();
  const codeSelect = page.getByLabel('Observation code');
  await page.waitForFunction(() => {
    const select = [...document.querySelectorAll('select')].find((s) => s.labels?.[0]?.textContent?.includes('Observation code'));
    return select && select.options.length > 1;
  }, null, { timeout: 60000 });
  const options = await codeSelect.locator('option').evaluateAll((os) => os.map((o) => ({ value: o.value, label: o.textContent })));
  const systolic = options.find((o) => o.label.includes(SYSTOLIC) && BP_PANELS.some((p) => o.label.includes(p)));
  check(!!systolic, `the cohort code list offers systolic pressure within its panel (${options.length - 1} codes listed)`);
  await codeSelect.selectOption(systolic.value);
  const monthly = page.getByLabel('Monthly means');
  if (await monthly.isChecked()) await monthly.uncheck(); // 40 patients: most months have fewer than 10 values
  await page.getByRole('button', { name: 'Compute encrypted mean' }).click();
  await page.getByRole('row', { name: /Mean/ }).waitFor({ timeout: 120000 });
  const mean = Number((await page.getByRole('row', { name: /Mean/ }).getByRole('cell').textContent()).replace(/,/g, ''));
  const count = Number((await page.getByRole('row', { name: /Count/ }).getByRole('cell').textContent()).replace(/,/g, ''));
  const patientsRow = page.getByRole('row', { name: /Patients/ });
  const patients = (await patientsRow.count()) ? Number((await patientsRow.getByRole('cell').textContent()).replace(/,/g, '')) : undefined;
  check(patients === systolicPatients, `cohort of ${patients} patients (bundles: ${systolicPatients})`);
  const difference = mean - systolicMean;
  check(count === systolicCount, `cohort count ${count} (bundles: ${systolicCount})`);
  check(Math.abs(difference) <= DISPLAY_TOLERANCE, `cohort mean shown ${mean}, plaintext ${systolicMean}, difference ${difference.toExponential(2)}`);
  result.cohort = { code: systolic.value, count, patients, shown: mean, plaintext: systolicMean, difference, tolerance: DISPLAY_TOLERANCE, seconds: seconds(t5) };
  await shot(page, 'cohort-view');

  const download = page.waitForEvent('download', { timeout: 10000 });
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const csv = readFileSync(await (await download).path(), 'utf8');
  check(/,all,mean,/.test(csv) && csv.includes(String(count)), 'the CSV export holds the mean and the count');

  // Regression view: the encrypted Gram matrix decrypted and solved here, against the plaintext fit.
  const t6 = Date.now();
  await page.getByRole('tab', { name: 'Regression' }).click();
  const outcome = page.getByLabel('Outcome');
  await outcome.locator(`option[value="${LOINC}|${REGRESSION.outcome}"]`).waitFor({ state: 'attached', timeout: 60000 });
  await outcome.selectOption(`${LOINC}|${REGRESSION.outcome}`);
  const features = page.getByRole('group', { name: 'Features' });
  for (const code of REGRESSION.features) await features.getByLabel(new RegExp(`\\(${code}\\)`)).check();
  await page.getByRole('button', { name: 'Compute encrypted regression' }).click();
  const coefficients = page.getByRole('table', { name: 'Regression coefficients' });
  await coefficients.waitFor({ timeout: 120000 });
  const shownCoefficients = await coefficients.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.cells[0].textContent.trim(), Number(tr.cells[1].textContent)]));
  const regressionPatients = Number((await page.getByText(/: [\d,]+ patients$/).textContent()).match(/([\d,]+) patients/)[1].replace(/,/g, ''));
  check(regressionPatients === plainRegression.patients, `regression over ${regressionPatients} patients (bundles: ${plainRegression.patients})`);
  const relative = shownCoefficients.map(([, v], i) => Math.abs(v - plainRegression.coefficients[i]) / Math.max(1, Math.abs(plainRegression.coefficients[i])));
  check(
    shownCoefficients.length === 1 + REGRESSION.features.length && relative.every((r) => r <= 1e-5),
    `regression coefficients ${shownCoefficients.map(([t, v]) => `${t} ${v}`).join(', ')} vs plaintext ${plainRegression.coefficients.map((c) => c.toPrecision(6)).join(', ')} (worst difference relative to max(1, |b|): ${Math.max(...relative).toExponential(2)})`,
  );
  result.regression = { patients: regressionPatients, shown: shownCoefficients, plaintext: plainRegression.coefficients, worstRelative: Math.max(...relative), seconds: seconds(t6) };
  await shot(page, 'regression-view');

  // ---- The key never leaves the browser --------------------------------------------------------
  const keyBytes = readFileSync(keyFile);
  const needles = [Buffer.from(passphrase), Buffer.from(encodeURIComponent(passphrase)), keyBytes.subarray(-64), Buffer.from(keyBytes.subarray(-48).toString('base64'))];
  for (let i = 23; i + 16 <= secretKey.length; i += 256) {
    needles.push(secretKey.subarray(i, i + 16), Buffer.from(secretKey.subarray(i, i + 24).toString('base64')));
  }
  const leaks = requests.filter((r) => needles.some((n) => r.body.includes(n) || Buffer.from(r.url).includes(n)));
  const largestBody = Math.max(...requests.map((r) => r.body.length));
  check(leaks.length === 0, `none of the ${requests.length} requests carries the passphrase, the key file or a piece of the secret key (${needles.length} needles; largest request body ${largestBody} bytes)`);
  check(requests.every((r) => r.url.startsWith(origin) || r.url.startsWith(pageOrigin)), 'every request went to the server or the launch page');
  result.requests = requests.length;
  result.leaks = leaks.length;
  result.largestRequestBody = largestBody;
  result.appSeconds = seconds(t2);
} catch (e) {
  failures.push(String(e?.stack ?? e));
  console.error(String(e?.stack ?? e));
  if (current) {
    console.error(`page at ${current.url()}`);
    await shot(current, 'failure');
  }
} finally {
  await browser.close();
  pageServer.close();
}
result.failures = failures.length;
console.log(JSON.stringify(result));
if (failures.length) {
  console.error(`server e2e: ${failures.length} failure(s):\n${failures.join('\n')}`);
  process.exit(1);
}

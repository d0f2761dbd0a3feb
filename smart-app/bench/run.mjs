// Driver of `./bench decrypt`: times the app's decryptor (dist/decrypt-bench.js, built from
// decryptBench.ts) in Node and in headless Chromium (Debian's /usr/bin/chromium through
// playwright-core), on the logN 14 vector of src-test-data, and prints one JSON line per
// runtime, input and phase on standard output. Progress goes to standard error.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = fileURLToPath(new URL('.', import.meta.url));
const vectors = fileURLToPath(new URL('../../src-test-data/src/main/resources/vectors/', import.meta.url));
const bundlePath = `${here}dist/decrypt-bench.js`;
const quick = process.argv.includes('--quick');
const warmups = quick ? 2 : 5;
const runs = quick ? 5 : 15;
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

const bench = await import(bundlePath);
const read = (relative) => new Uint8Array(readFileSync(vectors + relative));
const parameters = read('logn14/parameters.bin');
const secretKey = read('logn14/secret-key.bin');
const top = read('logn14/logn14-sk-top-real.ct');
const level3 = bench.seededAtLevel(parameters, top, 3);
const inputs = [
  // What $encrypted-value answers: a packed storage-level ciphertext through SlotIsolation (level 1,
  // 2 primes, full form), from src-test-data's IsolatedValueVectorTest.
  { name: 'logn14-isolated', parameters, secretKey, ciphertext: read('isolated/logn14-isolated-slots.ct') },
  // A result at the storage level 3 (4 primes, common.md), full form.
  { name: 'logn14-level3-full', parameters, secretKey, ciphertext: bench.fullForm(parameters, level3) },
  // A secret-key (seeded) encryption at the same level: c_1 comes from SHAKE128 instead.
  { name: 'logn14-level3-seeded', parameters, secretKey, ciphertext: level3 },
  // The committed vector as it is: the top level, 6 primes, seeded.
  { name: 'logn14-top-seeded', parameters, secretKey, ciphertext: top },
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x) => Math.round(x * 1000) / 1000;

function emit(runtime, times) {
  for (const [op, key] of [
    ['total', 'total'],
    ['parse', 'parse'],
    ['decrypt', 'decrypt'],
    ['decode', 'decode'],
    ['key_import', 'keyImport'],
  ]) {
    console.log(
      JSON.stringify({
        suite: 'decrypt',
        kind: 'measurement',
        op,
        runtime,
        input: times.name,
        logN: times.logN,
        primes: times.primes,
        seeded: times.seeded,
        ms_median: round(median(times[key])),
        ms_min: round(Math.min(...times[key])),
        runs: times.runs,
        // parse + decrypt + decode of one result must stay under this in Chromium (issue 8).
        ...(op === 'total' ? { budget_ms: 200, first_slot: times.firstSlot } : {}),
        load_avg: Math.round(os.loadavg()[0] * 100) / 100,
      }),
    );
  }
}

function emitKdf(runtime, times) {
  console.log(
    JSON.stringify({
      suite: 'decrypt',
      kind: 'measurement',
      op: 'key_file_argon2id',
      runtime,
      memory_kib: 65536,
      iterations: 3,
      parallelism: 4,
      ms_median: round(median(times)),
      ms_min: round(Math.min(...times)),
      runs: times.length,
      load_avg: Math.round(os.loadavg()[0] * 100) / 100,
    }),
  );
}
const kdfRuns = quick ? 1 : 3;

// --- Node --------------------------------------------------------------------------------------
for (const input of inputs) {
  console.error(`decrypt bench: node ${process.version}, ${input.name}`);
  emit(`node ${process.version}`, bench.measure(input, warmups, runs));
}
console.error(`decrypt bench: node ${process.version}, Argon2id of a key file`);
emitKdf(`node ${process.version}`, bench.measureKeyFileKdf(kdfRuns));

// --- Chromium ----------------------------------------------------------------------------------
// The page loads the same bundle from a loopback server; the inputs travel as base64.
const bundle = readFileSync(bundlePath);
const server = http.createServer((request, response) => {
  if (request.url === '/decrypt-bench.js') {
    response.writeHead(200, { 'content-type': 'text/javascript' });
    response.end(bundle);
  } else {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<!doctype html><title>decrypt bench</title>');
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  // The sandbox needs user namespaces, which containers and root often lack.
  args: ['--no-sandbox'],
});
try {
  const page = await browser.newPage();
  await page.goto(`${origin}/`);
  const runtime = `chromium ${browser.version()}`;
  for (const input of inputs) {
    console.error(`decrypt bench: ${runtime}, ${input.name}`);
    const encoded = {
      name: input.name,
      parameters: Buffer.from(input.parameters).toString('base64'),
      secretKey: Buffer.from(input.secretKey).toString('base64'),
      ciphertext: Buffer.from(input.ciphertext).toString('base64'),
    };
    const times = await page.evaluate(
      async ({ encoded, warmups, runs }) => {
        const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const bench = await import('/decrypt-bench.js');
        const input = {
          name: encoded.name,
          parameters: bytes(encoded.parameters),
          secretKey: bytes(encoded.secretKey),
          ciphertext: bytes(encoded.ciphertext),
        };
        return bench.measure(input, warmups, runs);
      },
      { encoded, warmups, runs },
    );
    emit(runtime, times);
  }
  console.error(`decrypt bench: ${runtime}, Argon2id of a key file`);
  emitKdf(
    runtime,
    await page.evaluate(async (n) => (await import('/decrypt-bench.js')).measureKeyFileKdf(n), kdfRuns),
  );
} finally {
  await browser.close();
  server.close();
}

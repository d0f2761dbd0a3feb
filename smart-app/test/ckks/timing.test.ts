// @vitest-environment node
import { describe, it } from 'vitest';
import { decode, decrypt, readCiphertext, readParameters, readSecretKey } from '../../src/lib/ckks';
import { bytes, loadVectors } from './vectors';

/**
 * Prints Node timings of decrypting the logN 14 vector, phase by phase; runs only with
 * CKKS_TIMING=1 (`CKKS_TIMING=1 npx vitest run test/ckks/timing.test.ts`). Not an assertion:
 * `./bench decrypt` measures the browser.
 */
describe.runIf(process.env.CKKS_TIMING === '1')('decryption timing (logN 14)', () => {
  it('prints per-phase medians', () => {
    const v = loadVectors().find((x) => x.name === 'logn14-sk-top-real')!;
    const ctBytes = bytes(v.ciphertext);
    const skBytes = bytes(v.secretKey);
    const time = (f: () => unknown) => {
      const t0 = performance.now();
      f();
      return performance.now() - t0;
    };
    const parameters = readParameters(bytes(v.parameters));
    const tKey = time(() => readSecretKey(skBytes, parameters));
    const sk = readSecretKey(skBytes, parameters);
    const runs: number[][] = [];
    for (let r = 0; r < 7; r++) {
      let ct!: ReturnType<typeof readCiphertext>;
      let pt!: ReturnType<typeof decrypt>;
      const tRead = time(() => (ct = readCiphertext(ctBytes, parameters)));
      const tDecrypt = time(() => (pt = decrypt(ct, sk)));
      const tDecode = time(() => decode(pt, parameters));
      runs.push([tRead, tDecrypt, tDecode, tRead + tDecrypt + tDecode]);
    }
    const median = (i: number) => runs.map((r) => r[i]).sort((a, b) => a - b)[3];
    console.log(
      JSON.stringify({
        suite: 'decrypt',
        runtime: `node ${process.version}`,
        logN: parameters.logN,
        limbs: parameters.qPrimes.length,
        key_import_ms: +tKey.toFixed(1),
        read_ms: +median(0).toFixed(1),
        decrypt_ms: +median(1).toFixed(1),
        decode_ms: +median(2).toFixed(1),
        total_ms_median: +median(3).toFixed(1),
      }),
    );
  });
});

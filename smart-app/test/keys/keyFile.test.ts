// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { CkksError, readParameters } from '../../src/lib/ckks';
import { base64Bytes, LOGN14_PARAMETERS_BASE64 } from '../../src/lib/ckks/presets';
import { ParameterCatalog, ResultDecryptor } from '../../src/lib/decryption/resultDecryptor';
import { KeyFileError, openKeyFile, readKeyFileHeader } from '../../src/lib/keys/keyFile';
import { bytes, loadVectors, precisionBits } from '../ckks/vectors';

/** Published with the vectors (src-test-data CustodianKeyFileVectorTest): TEST KEYS ONLY. */
const PASSPHRASE = 'homocloud test passphrase: not a real key';
const logN14File = () => bytes('key-files/logn14-test-key.hckf');
const logN10File = () => bytes('key-files/insecure-logn10-test-key.hckf');
const logN14Vector = loadVectors().find((v) => v.name === 'logn14-sk-top-real')!;

async function kindOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'opened';
  } catch (e) {
    if (e instanceof KeyFileError) return `${e.kind}: ${e.message}`;
    throw e;
  }
}

describe('custodian key file, Java-written test vector', () => {
  it('the shipped logN 14 parameters are the committed preset', () => {
    expect(base64Bytes(LOGN14_PARAMETERS_BASE64)).toEqual(bytes('logn14/parameters.bin'));
  });

  it('the header names the key set and the parameters without the passphrase', () => {
    const header = readKeyFileHeader(logN14File());
    const parameters = readParameters(bytes('logn14/parameters.bin'));
    expect(header.keySetId).toBe('test-key-logn14');
    expect(header.fingerprint).toEqual(parameters.fingerprint);
    expect(header.cost).toEqual({ memoryKiB: 64, iterations: 1, parallelism: 1 });
  });

  it('opens with the test passphrase to the committed secret key, which decrypts the logN 14 vector', async () => {
    const opened = await openKeyFile(logN14File(), PASSPHRASE);
    expect(opened.keySetId).toBe('test-key-logn14');
    expect(opened.secretKey).toEqual(bytes('logn14/secret-key.bin'));
    const decryptor = new ResultDecryptor(opened, new ParameterCatalog());
    const { values, logPrecision } = decryptor.decrypt(bytes(logN14Vector.ciphertext), 'stored-value');
    expect(logPrecision).toBe(20);
    const bits = precisionBits(logN14Vector.expectedRe!, undefined, Float64Array.from(values));
    console.log(`key file -> logN 14 vector: ${bits.toFixed(2)} bits after rounding to 2^-${logPrecision}`);
    expect(bits).toBeGreaterThanOrEqual(logPrecision);
  });

  it('a wrong passphrase is refused as such', async () => {
    expect(await kindOf(openKeyFile(logN14File(), 'not the passphrase'))).toMatch(/^wrong-passphrase: wrong passphrase/);
  });

  it('damaged files are refused with a message for each kind of damage', async () => {
    const file = logN14File();
    const flipped = file.slice();
    flipped[flipped.length - 100] ^= 1; // inside the wrapped key: fails authentication
    const version = file.slice();
    version[5] = 2;
    const costly = file.slice();
    // memory KiB is the first field of the wrapping parameters: 4 + 2 + 1 + 15 + 16 + 1 + 2 = byte 41.
    new DataView(costly.buffer).setUint32(41, 4 * 1024 * 1024);
    const longer = new Uint8Array(file.length + 1);
    longer.set(file);
    expect(await kindOf(openKeyFile(flipped, PASSPHRASE))).toMatch(/^wrong-passphrase: .*altered/);
    expect(await kindOf(openKeyFile(file.slice(0, 60), PASSPHRASE))).toMatch(/^corrupted: corrupted key file: truncated/);
    expect(await kindOf(openKeyFile(longer, PASSPHRASE))).toMatch(/^corrupted: .*1 trailing bytes/);
    expect(await kindOf(openKeyFile(version, PASSPHRASE))).toMatch(/^unknown-version: key file format version 2/);
    expect(await kindOf(openKeyFile(costly, PASSPHRASE))).toMatch(/^too-costly: .*4194304 KiB/);
    expect(await kindOf(openKeyFile(bytes('logn14/secret-key.bin'), PASSPHRASE))).toMatch(/^not-a-key-file: /);
  });

  it("a key for other parameters is refused on the data's fingerprint, naming both", async () => {
    const opened = await openKeyFile(logN10File(), PASSPHRASE);
    const catalog = new ParameterCatalog([bytes('logn14/parameters.bin'), bytes('insecure-logn10/parameters.bin')]);
    const attempt = () => new ResultDecryptor(opened, catalog).decrypt(bytes(logN14Vector.ciphertext), 'stored-value');
    expect(attempt).toThrow(CkksError);
    expect(attempt).toThrow(/^wrong key for this data: it was encrypted under parameters [0-9a-f]{32}, and the loaded key \(key set test-key-insecure-logn10\)/);
  });

  it('another key of the same parameters is refused when the decryption is noise', async () => {
    const opened = await openKeyFile(logN10File(), PASSPHRASE);
    const other = { ...opened, secretKey: bytes('insecure-logn10/secret-key-other.bin') };
    const catalog = new ParameterCatalog([bytes('insecure-logn10/parameters.bin')]);
    const v = loadVectors().find((x) => x.name === 'logn10-sk-top-real')!;
    expect(() => new ResultDecryptor(other, catalog).decrypt(bytes(v.ciphertext), 'stored-value')).toThrow(
      'wrong key for this data',
    );
  });
});

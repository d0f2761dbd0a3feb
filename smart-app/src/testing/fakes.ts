import { CkksError } from '../lib/ckks';
import type {
  CohortQuery,
  CohortCode,
  EncryptedMeanResult,
  EncryptedRegressionResult,
  EncryptedObservation,
  EncryptedValue,
  HomocloudApi,
  JobProgress,
  RegressionQuery,
  SessionInfo,
} from '../lib/fhir/api';
import { KeyFileError, type OpenedKeyFile } from '../lib/keys/keyFile';
import { KeyVault, MemoryKeyStore } from '../lib/keys/keyVault';
import type { KeyServices, ValueDecryptor } from '../features/keys/keyContext';

/** A HomocloudApi whose answers a test sets; every call is recorded. */
export class FakeApi implements HomocloudApi {
  calls: string[] = [];
  sessionInfo: SessionInfo | Error = {
    userName: 'Dr. Ada Lovelace',
    userReference: 'Practitioner/ada',
    patient: { id: 'p1', name: 'Grace Hopper', birthDate: '1906-12-09', gender: 'female' },
    scopes: ['patient/Observation.rs'],
    serverUrl: 'http://127.0.0.1:8080/fhir',
  };
  observations: EncryptedObservation[] | Error = [];
  values: Record<string, EncryptedValue[]> = {};
  codes: CohortCode[] | Error = [];
  mean: ((query: CohortQuery, onProgress?: (p: JobProgress) => void) => Promise<EncryptedMeanResult>) | undefined;
  regression: ((query: RegressionQuery, onProgress?: (p: JobProgress) => void) => Promise<EncryptedRegressionResult>) | undefined;

  async session() {
    this.calls.push('session');
    if (this.sessionInfo instanceof Error) throw this.sessionInfo;
    return this.sessionInfo;
  }

  async encryptedObservations(patientId: string) {
    this.calls.push(`observations ${patientId}`);
    if (this.observations instanceof Error) throw this.observations;
    return this.observations;
  }

  async encryptedValues(observationId: string) {
    this.calls.push(`values ${observationId}`);
    return this.values[observationId] ?? [];
  }

  async observationCodes() {
    this.calls.push('codes');
    if (this.codes instanceof Error) throw this.codes;
    return this.codes;
  }

  encryptedRegression(query: RegressionQuery, onProgress?: (p: JobProgress) => void) {
    this.calls.push(`regression ${query.outcome.code}`);
    if (!this.regression) throw new Error('FakeApi.regression not set');
    return this.regression(query, onProgress);
  }

  encryptedMean(query: CohortQuery, onProgress?: (p: JobProgress) => void) {
    this.calls.push(`mean ${query.code.code}`);
    if (!this.mean) throw new Error('FakeApi.mean not set');
    return this.mean(query, onProgress);
  }
}

/** A "ciphertext" that a FakeDecryptor reads back: the value as a big-endian double after "FAKE". */
export function fakeCiphertext(value: number): Uint8Array {
  const bytes = new Uint8Array(12);
  bytes.set([0x46, 0x41, 0x4b, 0x45]);
  new DataView(bytes.buffer).setFloat64(4, value);
  return bytes;
}

/** A "ciphertext" holding one value per slot (slots 0..n-1), for results that use several slots. */
export function fakeSlotsCiphertext(values: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(4 + 8 * Math.max(values.length, 2));
  bytes.set([0x46, 0x41, 0x4b, 0x45]);
  values.forEach((v, i) => new DataView(bytes.buffer).setFloat64(4 + 8 * i, v));
  return bytes;
}

export class FakeDecryptor implements ValueDecryptor {
  wiped = false;
  constructor(private readonly failWith?: CkksError) {}

  decrypt(ciphertext: Uint8Array, kind: 'stored-value' | 'statistic', slots?: readonly number[]) {
    if (this.failWith) throw this.failWith;
    const view = new DataView(ciphertext.buffer, ciphertext.byteOffset, ciphertext.byteLength);
    const logPrecision = kind === 'stored-value' ? 20 : 16;
    if (ciphertext.length === 12) return { values: [view.getFloat64(4)], logPrecision };
    // A fakeSlotsCiphertext: one double per slot.
    return { values: (slots ?? [0]).map((slot) => view.getFloat64(4 + 8 * slot)), logPrecision };
  }

  wipe() {
    this.wiped = true;
  }
}

export const TEST_KEY: OpenedKeyFile = {
  keySetId: 'test-key',
  fingerprint: new Uint8Array(16).fill(1),
  fingerprintHex: '01'.repeat(16),
  secretKey: new Uint8Array([1, 2, 3]),
};

/** Key services whose key file opens with the passphrase "right", with a memory-only vault. */
export function fakeKeyServices(decryptor: (key: OpenedKeyFile | { secretKey: Uint8Array }) => ValueDecryptor = () => new FakeDecryptor()) {
  const store = new MemoryKeyStore();
  const services: KeyServices & { store: MemoryKeyStore } = {
    store,
    vault: new KeyVault(store),
    open: async (_bytes, passphrase, onProgress) => {
      onProgress(0.5);
      if (passphrase !== 'right') throw new KeyFileError('wrong-passphrase', 'wrong passphrase, or the key file was altered: it does not authenticate under this passphrase');
      return { ...TEST_KEY, secretKey: TEST_KEY.secretKey.slice() };
    },
    decryptorFor: decryptor,
  };
  return services;
}

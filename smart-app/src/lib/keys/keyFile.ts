import { argon2idAsync } from '@noble/hashes/argon2.js';

/**
 * Opens the custodian's key file (he-interceptors org.homocloud.fhir.keys.custody.CustodianKeyFile,
 * format version 1) in the browser: Argon2id (@noble/hashes) stretches the passphrase, AES-256-GCM
 * (WebCrypto) decrypts the secret key and authenticates the header as associated data.
 *
 * Layout (integers unsigned big-endian):
 *   magic "HCKF" (4) | version u16 | key-set id length u8 | key-set id (UTF-8)
 *   | parameter fingerprint (16) | wrapping scheme u8 | wrapping parameters length u16
 *   | wrapping parameters | wrapped length u32 | wrapped secret key
 * Scheme 1 (PassphraseWrapper) parameters: memory KiB u32, iterations u32, parallelism u8,
 * salt (16), nonce (12). The associated data is every byte before the wrapped key.
 */

export type KeyFileErrorKind = 'not-a-key-file' | 'unknown-version' | 'corrupted' | 'too-costly' | 'wrong-passphrase';

/** Why a key file could not be opened; `kind` picks the screen, the message says what and why. */
export class KeyFileError extends Error {
  constructor(
    readonly kind: KeyFileErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'KeyFileError';
  }
}

export const KEY_FILE_VERSION = 1;
export const PASSPHRASE_SCHEME = 1;
const MAGIC = [0x48, 0x43, 0x4b, 0x46]; // "HCKF"
const FINGERPRINT_BYTES = 16;
const SALT_BYTES = 16;
const NONCE_BYTES = 12;
const PASSPHRASE_PARAMETERS_BYTES = 4 + 4 + 1 + SALT_BYTES + NONCE_BYTES;
const MAX_WRAPPING_PARAMETERS_BYTES = 4096;
const MAX_WRAPPED_BYTES = 1 << 20;
const KEY_SET_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Java's bounds (Argon2Cost), except memory: a browser tab gets at most 1 GiB here. */
const MAX_ITERATIONS = 64;
const MAX_PARALLELISM = 16;
const MAX_BROWSER_MEMORY_KIB = 1024 * 1024;

export interface Argon2Cost {
  readonly memoryKiB: number;
  readonly iterations: number;
  readonly parallelism: number;
}

/** What a key file says in clear, readable without the passphrase (authenticated only once opened). */
export interface KeyFileHeader {
  readonly version: number;
  readonly keySetId: string;
  readonly fingerprint: Uint8Array;
  readonly fingerprintHex: string;
  readonly scheme: number;
  readonly cost: Argon2Cost;
}

/** An opened key file: the secret key in he-engine's SecretKeyCodec bytes, and what it belongs to. */
export interface OpenedKeyFile {
  readonly keySetId: string;
  readonly fingerprint: Uint8Array;
  readonly fingerprintHex: string;
  /** SecretKeyCodec bytes; the caller zeroes them when done. */
  readonly secretKey: Uint8Array<ArrayBuffer>;
}

interface Parsed {
  header: KeyFileHeader;
  salt: Uint8Array<ArrayBuffer>;
  nonce: Uint8Array<ArrayBuffer>;
  associatedData: Uint8Array<ArrayBuffer>;
  wrapped: Uint8Array<ArrayBuffer>;
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function corrupted(detail: string): KeyFileError {
  return new KeyFileError('corrupted', `corrupted key file: ${detail}`);
}

/** Reads and checks the structure, every length before use; no cryptography yet. */
function parse(bytes: Uint8Array): Parsed {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  const need = (length: number, field: string) => {
    if (bytes.length - offset < length) {
      throw corrupted(`truncated: the file ends at byte ${bytes.length}, inside the ${field}`);
    }
  };
  if (bytes.length < 4 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new KeyFileError(
      'not-a-key-file',
      'not a Homocloud key file: it does not start with "HCKF" (choose the .hckf file the key custodian gave you)',
    );
  }
  offset = 4;
  need(2, 'format version');
  const version = view.getUint16(offset);
  offset += 2;
  if (version !== KEY_FILE_VERSION) {
    throw new KeyFileError(
      'unknown-version',
      `key file format version ${version} is not supported: this app reads version ${KEY_FILE_VERSION} only`,
    );
  }
  need(1, 'key-set id length');
  const idLength = bytes[offset++];
  need(idLength, 'key-set id');
  const keySetId = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(offset, offset + idLength));
  offset += idLength;
  if (!KEY_SET_ID.test(keySetId)) throw corrupted('the key-set id is not valid');
  need(FINGERPRINT_BYTES, 'parameter fingerprint');
  const fingerprint = bytes.slice(offset, offset + FINGERPRINT_BYTES);
  offset += FINGERPRINT_BYTES;
  need(1, 'wrapping scheme');
  const scheme = bytes[offset++];
  need(2, 'wrapping parameters length');
  const parametersLength = view.getUint16(offset);
  offset += 2;
  if (parametersLength > MAX_WRAPPING_PARAMETERS_BYTES) {
    throw corrupted(`it claims ${parametersLength} bytes of wrapping parameters, more than the ${MAX_WRAPPING_PARAMETERS_BYTES} allowed`);
  }
  need(parametersLength, 'wrapping parameters');
  const parameters = bytes.subarray(offset, offset + parametersLength);
  offset += parametersLength;
  need(4, 'wrapped key length');
  const wrappedLength = view.getUint32(offset);
  offset += 4;
  const associatedData = bytes.slice(0, offset);
  if (wrappedLength > MAX_WRAPPED_BYTES) {
    throw corrupted(`it claims a wrapped key of ${wrappedLength} bytes, more than the ${MAX_WRAPPED_BYTES} allowed`);
  }
  need(wrappedLength, 'wrapped key');
  const wrapped = bytes.slice(offset, offset + wrappedLength);
  offset += wrappedLength;
  if (offset !== bytes.length) throw corrupted(`${bytes.length - offset} trailing bytes after the wrapped key`);

  if (scheme !== PASSPHRASE_SCHEME) {
    throw corrupted(`it names wrapping scheme ${scheme}; this app opens passphrase-wrapped files (scheme ${PASSPHRASE_SCHEME}) only`);
  }
  if (parametersLength !== PASSPHRASE_PARAMETERS_BYTES) {
    throw corrupted(`passphrase wrapping parameters are ${parametersLength} bytes, expected ${PASSPHRASE_PARAMETERS_BYTES}`);
  }
  const p = new DataView(parameters.buffer, parameters.byteOffset, parameters.byteLength);
  const cost = { memoryKiB: p.getUint32(0), iterations: p.getUint32(4), parallelism: p.getUint8(8) };
  checkCost(cost);
  const salt = parameters.slice(9, 9 + SALT_BYTES);
  const nonce = parameters.slice(9 + SALT_BYTES, PASSPHRASE_PARAMETERS_BYTES);
  const header = { version, keySetId, fingerprint, fingerprintHex: hex(fingerprint), scheme, cost };
  return { header, salt, nonce, associatedData, wrapped };
}

/** The bounds Java's Argon2Cost enforces, checked before any KDF work so a file cannot demand unbounded memory. */
function checkCost({ memoryKiB, iterations, parallelism }: Argon2Cost): void {
  if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
    throw corrupted(`Argon2 parallelism ${parallelism} is out of range [1, ${MAX_PARALLELISM}]`);
  }
  if (iterations < 1 || iterations > MAX_ITERATIONS) {
    throw corrupted(`Argon2 iterations ${iterations} is out of range [1, ${MAX_ITERATIONS}]`);
  }
  if (memoryKiB < 8 * parallelism) {
    throw corrupted(`Argon2 memory ${memoryKiB} KiB is below the minimum ${8 * parallelism} KiB for parallelism ${parallelism}`);
  }
  if (memoryKiB > MAX_BROWSER_MEMORY_KIB) {
    throw new KeyFileError(
      'too-costly',
      `the key file asks Argon2id for ${memoryKiB} KiB of memory; a browser tab can give at most ${MAX_BROWSER_MEMORY_KIB} KiB (1 GiB)`,
    );
  }
}

/** The clear header, without the passphrase (which key set and parameters the file is for). */
export function readKeyFileHeader(bytes: Uint8Array): KeyFileHeader {
  return parse(bytes).header;
}

export interface OpenOptions {
  /** Called with the Argon2id progress in [0, 1]; the derivation yields to the page between steps. */
  onProgress?: (fraction: number) => void;
}

/**
 * Opens a key file with its passphrase. A wrong passphrase and a changed byte both fail GCM
 * authentication and cannot be told apart; the message says both, as the Java reader does.
 */
export async function openKeyFile(bytes: Uint8Array, passphrase: string, options: OpenOptions = {}): Promise<OpenedKeyFile> {
  if (passphrase.length === 0) throw new KeyFileError('wrong-passphrase', 'the passphrase is empty');
  const { header, salt, nonce, associatedData, wrapped } = parse(bytes);
  const password = new TextEncoder().encode(passphrase);
  const derived = await argon2idAsync(password, salt, {
    t: header.cost.iterations,
    m: header.cost.memoryKiB,
    p: header.cost.parallelism,
    dkLen: 32,
    version: 0x13,
    maxmem: MAX_BROWSER_MEMORY_KIB * 1024 + 1024 * 1024,
    asyncTick: 20,
    onProgress: options.onProgress,
  });
  password.fill(0);
  let secretKey: Uint8Array<ArrayBuffer>;
  try {
    const key = await crypto.subtle.importKey('raw', derived, 'AES-GCM', false, ['decrypt']);
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: nonce, additionalData: associatedData, tagLength: 128 },
      key,
      wrapped,
    );
    secretKey = new Uint8Array(plain);
  } catch (e) {
    if (e instanceof DOMException && e.name === 'OperationError') {
      throw new KeyFileError(
        'wrong-passphrase',
        'wrong passphrase, or the key file was altered: it does not authenticate under this passphrase',
      );
    }
    throw e;
  } finally {
    derived.fill(0);
  }
  return { keySetId: header.keySetId, fingerprint: header.fingerprint, fingerprintHex: header.fingerprintHex, secretKey };
}

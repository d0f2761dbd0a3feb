import { CkksError } from './errors';

/** The format version this reader understands (docs/formats.md, "Version policy"). */
export const FORMAT_VERSION = 1;

/** Object type tags of the header. */
export const ObjectType = {
  parameters: 1,
  plaintext: 2,
  ciphertext: 3,
  publicKey: 4,
  secretKey: 5,
  switchingKey: 6,
  relinearizationKey: 7,
  galoisKey: 8,
  evaluationKeySet: 9,
} as const;

const TYPE_NAMES: Record<number, string> = {
  1: 'parameters',
  2: 'plaintext',
  3: 'ciphertext',
  4: 'public key',
  5: 'secret key',
  6: 'switching key',
  7: 'relinearization key',
  8: 'Galois key',
  9: 'evaluation key set',
};

export const FINGERPRINT_BYTES = 16;

/**
 * Reads the big-endian primitives of he-engine's binary format from a byte array. Every
 * failure is a CkksError of kind "corrupted" whose message starts with "corrupted <what>: ".
 */
export class FormatReader {
  private readonly view: DataView;
  private offset = 0;

  constructor(
    private readonly bytes: Uint8Array,
    /** What is being read, for messages: "ciphertext", "secret key", "parameters". */
    readonly what: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get position(): number {
    return this.offset;
  }

  corrupted(message: string): CkksError {
    return new CkksError('corrupted', `corrupted ${this.what}: ${message}`);
  }

  private need(length: number, field: string): void {
    const available = this.bytes.length - this.offset;
    if (available < length) {
      throw this.corrupted(
        `truncated input: the data ends at byte ${this.bytes.length}, ${length - available} bytes short of the end of the ${field}`,
      );
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.view.getUint8(this.offset++);
  }

  u16(field: string): number {
    this.need(2, field);
    const v = this.view.getUint16(this.offset, false);
    this.offset += 2;
    return v;
  }

  u32(field: string): number {
    this.need(4, field);
    const v = this.view.getUint32(this.offset, false);
    this.offset += 4;
    return v;
  }

  u64(field: string): bigint {
    this.need(8, field);
    const v = this.view.getBigUint64(this.offset, false);
    this.offset += 8;
    return v;
  }

  f64(field: string): number {
    this.need(8, field);
    const v = this.view.getFloat64(this.offset, false);
    this.offset += 8;
    return v;
  }

  bytesOf(length: number, field: string): Uint8Array {
    this.need(length, field);
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  /** Fails unless every byte has been read: objects fill their input exactly. */
  end(): void {
    const left = this.bytes.length - this.offset;
    if (left > 0) {
      throw this.corrupted(`trailing bytes: ${left} bytes follow the end of the ${this.what} at byte ${this.offset}`);
    }
  }
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/**
 * Reads and checks a header: magic "HCKS", version 1, the expected type and, for everything but
 * parameters, the fingerprint of the parameters the caller holds. A fingerprint mismatch is
 * reported as `mismatchKind` (a ciphertext: "other-parameters"; a secret key: "wrong-key").
 */
export function readHeader(
  reader: FormatReader,
  expectedType: number,
  fingerprint?: Uint8Array,
  mismatch?: (found: string, wanted: string) => CkksError,
): void {
  const magic = reader.bytesOf(4, 'magic bytes');
  if (!(magic[0] === 0x48 && magic[1] === 0x43 && magic[2] === 0x4b && magic[3] === 0x53)) {
    throw reader.corrupted(`not a Homocloud object: the input starts with 0x${hex(magic)}, not the magic bytes "HCKS"`);
  }
  const version = reader.u16('format version');
  if (version !== FORMAT_VERSION) {
    throw reader.corrupted(`unknown format version ${version}: this reader understands version ${FORMAT_VERSION} only`);
  }
  const tag = reader.u8('object type');
  const found = TYPE_NAMES[tag];
  if (found === undefined) {
    throw reader.corrupted(`unknown object type tag ${tag} (expected ${expectedType}, a ${TYPE_NAMES[expectedType]})`);
  }
  if (tag !== expectedType) {
    throw reader.corrupted(`expected a ${TYPE_NAMES[expectedType]} but the input holds a ${found}`);
  }
  if (expectedType !== ObjectType.parameters && fingerprint) {
    const got = reader.bytesOf(FINGERPRINT_BYTES, 'parameter fingerprint');
    if (!equalBytes(got, fingerprint)) {
      if (mismatch) throw mismatch(hex(got), hex(fingerprint));
      throw new CkksError(
        'other-parameters',
        `${reader.what} was made under other parameters (fingerprint ${hex(got)}, these parameters have ${hex(fingerprint)})`,
      );
    }
  }
}

/**
 * Unpacks values of a fixed bit width (at most 62), most significant bit first, no padding: the
 * mirror of he-engine's BitPacking. Widths above 32 come in two halves, as Java writes them;
 * the accumulator never holds more than 39 bits, so plain numbers stay exact.
 */
export class BitUnpacker {
  private position = 0;
  private pending = 0;
  private pendingBits = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** The next value of at most 32 bits. */
  small(width: number): number {
    while (this.pendingBits < width) {
      this.pending = this.pending * 256 + this.bytes[this.position++];
      this.pendingBits += 8;
    }
    this.pendingBits -= width;
    const divisor = 2 ** this.pendingBits;
    const value = Math.floor(this.pending / divisor);
    this.pending -= value * divisor;
    return value;
  }

  /** The next value of any width up to 62 bits. */
  get(width: number): bigint {
    if (width > 32) {
      const high = this.small(width - 32);
      const low = this.small(32);
      return (BigInt(high) << 32n) | BigInt(low);
    }
    return BigInt(this.small(width));
  }
}

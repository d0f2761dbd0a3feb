import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The cross-language vectors he-engine wrote into src-test-data (see its vectors/README.md).
 * Resolved from the working directory (vitest runs in smart-app/), since under jsdom
 * import.meta.url is not a file URL.
 */
export const VECTORS_DIR = `${resolve(process.cwd(), '../src-test-data/src/main/resources/vectors')}/`;

export interface Vector {
  name: string;
  description: string;
  parameters: string;
  secretKey: string;
  ciphertext: string;
  degree?: number;
  level?: number;
  logSlots?: number;
  seeded?: boolean;
  javaPrecisionBits?: number;
  minPrecisionBits?: number;
  publicPrecisionBits?: number;
  expectedRe?: number[];
  expectedIm?: number[];
  expectError?: string;
}

export function loadVectors(): Vector[] {
  const index = JSON.parse(readFileSync(VECTORS_DIR + 'index.json', 'utf8')) as { vectors: string[] };
  return index.vectors.map((name) => JSON.parse(readFileSync(`${VECTORS_DIR}${name}.json`, 'utf8')) as Vector);
}

export function bytes(relative: string): Uint8Array {
  const buffer = readFileSync(VECTORS_DIR + relative);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** -log2 of the largest complex error between expected and decoded slots. */
export function precisionBits(expectedRe: number[], expectedIm: number[] | undefined, re: Float64Array, im?: Float64Array): number {
  let max = 0;
  for (let i = 0; i < expectedRe.length; i++) {
    const dr = expectedRe[i] - re[i];
    const di = (expectedIm?.[i] ?? 0) - (im?.[i] ?? 0);
    const error = Math.hypot(dr, di);
    max = Math.max(max, Number.isNaN(error) ? Infinity : error);
  }
  return max === 0 ? 64 : -Math.log2(max);
}

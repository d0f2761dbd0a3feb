/** Modular arithmetic over one word-size prime (below 2^61), in BigInt. */

export function bitLength(q: bigint): number {
  return q.toString(2).length;
}

export function powMod(base: bigint, exponent: bigint, q: bigint): bigint {
  let result = 1n;
  let b = base % q;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % q;
    b = (b * b) % q;
    e >>= 1n;
  }
  return result;
}

/** a^-1 mod the prime q (Fermat). */
export function invMod(a: bigint, q: bigint): bigint {
  return powMod(((a % q) + q) % q, q - 2n, q);
}

/**
 * The primitive 2N-th root of unity he-engine uses: psi = g^((q-1)/2N) for the first g = 2, 3,
 * ... with psi^N = -1, exactly as ring/Primes.primitiveRoot2N, so the NTT layout matches Java's.
 */
export function primitiveRoot2N(q: bigint, logN: number): bigint {
  const twoN = 2n << BigInt(logN);
  const exponent = (q - 1n) / twoN;
  for (let g = 2n; g < q; g++) {
    const psi = powMod(g, exponent, q);
    if (powMod(psi, twoN >> 1n, q) === q - 1n) return psi;
  }
  throw new Error(`no primitive 2N-th root modulo ${q}`);
}

/** Deterministic Miller-Rabin for 64-bit integers (the bases he-engine's Primes.isPrime uses). */
export function isPrime(n: bigint): boolean {
  if (n < 2n) return false;
  const bases = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n];
  for (const p of bases) {
    if (n % p === 0n) return n === p;
  }
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  for (const a of bases) {
    let x = powMod(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    let composite = true;
    for (let r = 1; r < s; r++) {
      x = (x * x) % n;
      if (x === n - 1n) {
        composite = false;
        break;
      }
    }
    if (composite) return false;
  }
  return true;
}

/** What went wrong, for callers that show a different screen per cause. */
export type CkksErrorKind = 'other-parameters' | 'wrong-key' | 'corrupted' | 'invalid-argument';

/**
 * The one error type of the client-side decryptor. Its message says what and why, e.g.
 * "ciphertext was made under other parameters", "wrong key for this data: ...",
 * "corrupted ciphertext: truncated input: ...".
 */
export class CkksError extends Error {
  readonly kind: CkksErrorKind;

  constructor(kind: CkksErrorKind, message: string) {
    super(message);
    this.name = 'CkksError';
    this.kind = kind;
  }
}

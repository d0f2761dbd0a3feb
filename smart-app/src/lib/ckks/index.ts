/**
 * Client-side CKKS decryption of he-engine's versioned binary format (docs/formats.md): read the
 * parameters, the secret key and a ciphertext, decrypt, decode. Pure TypeScript with BigInt;
 * SHAKE128 and SHA-256 come from @noble/hashes.
 */
export { CkksError, type CkksErrorKind } from './errors';
export { readParameters, type CkksParameters } from './parameters';
export { readSecretKey, SecretKey } from './secretKey';
export { readCiphertext, type Ciphertext } from './ciphertext';
export { decrypt, type Plaintext } from './decryptor';
export { decode, decodePublic, type Slots } from './encoder';

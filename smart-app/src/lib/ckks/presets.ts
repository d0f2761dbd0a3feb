/**
 * Parameters the app knows without asking the server, as he-engine's ParametersCodec bytes: the
 * product's default key set uses CkksPresets.logN14() (Q 60+5x50, P 2x61, scale 2^50). A key
 * file names its parameters by fingerprint only, so the fingerprint picks one of these.
 * test/keys checks the bytes against src-test-data/.../vectors/logn14/parameters.bin.
 */
export const LOGN14_PARAMETERS_BASE64 =
  'SENLUwABAQ4GD//////+gAEABAAAABIAAQAEAAAAGwABAAP////fAAEABAAAACGAAQAEAAAAJwABAh//////4QABH//////gAAECQAmZmZmZmZoAAAAAADIN';

export function base64Bytes(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

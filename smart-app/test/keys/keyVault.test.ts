// @vitest-environment node
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { IndexedDbKeyStore, KeyVault } from '../../src/lib/keys/keyVault';

const opened = () => ({
  keySetId: 'test-key',
  fingerprint: new Uint8Array(16).fill(7),
  fingerprintHex: '07'.repeat(16),
  secretKey: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
});

describe('key vault', () => {
  it('keeps the key wrapped by a non-extractable AES key in IndexedDB and restores it on a new visit', async () => {
    const idb = new IDBFactory();
    await new KeyVault(new IndexedDbKeyStore(idb)).remember(opened(), true);

    const stored = await new IndexedDbKeyStore(idb).load();
    expect(stored!.wrappingKey.extractable).toBe(false);
    expect(stored!.wrappingKey.algorithm).toMatchObject({ name: 'AES-GCM', length: 256 });
    await expect(crypto.subtle.exportKey('raw', stored!.wrappingKey)).rejects.toThrow();
    // The stored bytes are not the key (AES-GCM: 8 bytes plus a 16-byte tag).
    expect(new Uint8Array(stored!.wrapped)).not.toEqual(opened().secretKey);
    expect(stored!.wrapped.byteLength).toBe(24);

    const restored = await new KeyVault(new IndexedDbKeyStore(idb)).restore();
    expect(restored!.secretKey).toEqual(opened().secretKey);
    expect(restored!.keySetId).toBe('test-key');
  });

  it('forget zeroes the memory copy and deletes the stored one', async () => {
    const idb = new IDBFactory();
    const vault = new KeyVault(new IndexedDbKeyStore(idb));
    const key = await vault.remember(opened(), true);
    await vault.forget();
    expect(vault.current()).toBeUndefined();
    expect(key.secretKey.every((b) => b === 0)).toBe(true);
    expect(await new IndexedDbKeyStore(idb).load()).toBeUndefined();
    expect(await new KeyVault(new IndexedDbKeyStore(idb)).restore()).toBeUndefined();
  });

  it('memory only: nothing reaches IndexedDB, and an earlier stored key is removed', async () => {
    const idb = new IDBFactory();
    await new KeyVault(new IndexedDbKeyStore(idb)).remember(opened(), true);
    const vault = new KeyVault(new IndexedDbKeyStore(idb));
    await vault.remember(opened(), false);
    expect(vault.current()!.secretKey).toEqual(opened().secretKey);
    expect(await new IndexedDbKeyStore(idb).load()).toBeUndefined();
  });
});

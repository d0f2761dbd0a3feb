import type { OpenedKeyFile } from './keyFile';

/**
 * Where the opened secret key lives in the browser: in memory, and, if the user asks, in
 * IndexedDB encrypted under a non-extractable WebCrypto AES-GCM key (the CryptoKey object itself
 * is stored; the browser never hands out its bytes). The key is never sent anywhere.
 * `forget()` zeroes the memory copy and deletes both IndexedDB records.
 */
export interface LoadedKey {
  readonly keySetId: string;
  readonly fingerprintHex: string;
  /** he-engine SecretKeyCodec bytes. */
  readonly secretKey: Uint8Array<ArrayBuffer>;
}

/** A key at rest: its wrapped bytes and the non-extractable key that unwraps them. */
export interface StoredKey {
  readonly keySetId: string;
  readonly fingerprintHex: string;
  readonly iv: Uint8Array<ArrayBuffer>;
  readonly wrapped: ArrayBuffer;
  readonly wrappingKey: CryptoKey;
}

/** Persistence seam: IndexedDB in the browser, a map in tests. */
export interface KeyStore {
  load(): Promise<StoredKey | undefined>;
  save(key: StoredKey): Promise<void>;
  clear(): Promise<void>;
}

export class MemoryKeyStore implements KeyStore {
  private stored: StoredKey | undefined;

  async load() {
    return this.stored;
  }

  async save(key: StoredKey) {
    this.stored = key;
  }

  async clear() {
    this.stored = undefined;
  }
}

const DB_NAME = 'homocloud-keys';
const STORE = 'keys';
const RECORD = 'custodian';

/** One record in one object store; structured clone keeps the CryptoKey non-extractable. */
export class IndexedDbKeyStore implements KeyStore {
  constructor(private readonly factory: IDBFactory = indexedDB) {}

  private open(): Promise<IDBDatabase> {
    return new Promise((resolve, reject) => {
      const request = this.factory.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  private async run<T>(mode: IDBTransactionMode, body: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const db = await this.open();
    try {
      return await new Promise<T>((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const request = body(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(request.result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  }

  async load(): Promise<StoredKey | undefined> {
    return (await this.run('readonly', (s) => s.get(RECORD))) as StoredKey | undefined;
  }

  async save(key: StoredKey): Promise<void> {
    await this.run('readwrite', (s) => s.put(key, RECORD));
  }

  async clear(): Promise<void> {
    await this.run('readwrite', (s) => s.delete(RECORD));
  }
}

export class KeyVault {
  private loaded: LoadedKey | undefined;

  constructor(
    private readonly store: KeyStore,
    private readonly subtle: SubtleCrypto = crypto.subtle,
  ) {}

  current(): LoadedKey | undefined {
    return this.loaded;
  }

  /** Keeps an opened key in memory and, when `persist`, wrapped in the store. Takes ownership of its bytes. */
  async remember(opened: OpenedKeyFile, persist: boolean): Promise<LoadedKey> {
    this.wipeMemory();
    const key: LoadedKey = { keySetId: opened.keySetId, fingerprintHex: opened.fingerprintHex, secretKey: opened.secretKey };
    this.loaded = key;
    if (persist) {
      const wrappingKey = await this.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const wrapped = await this.subtle.encrypt({ name: 'AES-GCM', iv }, wrappingKey, key.secretKey);
      await this.store.save({ keySetId: key.keySetId, fingerprintHex: key.fingerprintHex, iv, wrapped, wrappingKey });
    } else {
      await this.store.clear();
    }
    return key;
  }

  /** The key kept in the store by an earlier visit, unwrapped into memory; undefined if none. */
  async restore(): Promise<LoadedKey | undefined> {
    const stored = await this.store.load();
    if (!stored) return undefined;
    const plain = await this.subtle.decrypt({ name: 'AES-GCM', iv: stored.iv }, stored.wrappingKey, stored.wrapped);
    this.wipeMemory();
    this.loaded = { keySetId: stored.keySetId, fingerprintHex: stored.fingerprintHex, secretKey: new Uint8Array(plain) };
    return this.loaded;
  }

  /** Zeroes the memory copy and deletes the stored one (wrapped key and its wrapping key). */
  async forget(): Promise<void> {
    this.wipeMemory();
    await this.store.clear();
  }

  private wipeMemory(): void {
    this.loaded?.secretKey.fill(0);
    this.loaded = undefined;
  }
}

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { CkksError } from '../../lib/ckks';
import { ParameterCatalog, ResultDecryptor, type ValueKind } from '../../lib/decryption/resultDecryptor';
import { KeyFileError, openKeyFile, type KeyFileErrorKind, type OpenedKeyFile } from '../../lib/keys/keyFile';
import { IndexedDbKeyStore, KeyVault, type LoadedKey } from '../../lib/keys/keyVault';

/** Decrypts result ciphertexts with the loaded key (ResultDecryptor, or a fake in tests). */
export interface ValueDecryptor {
  decrypt(ciphertext: Uint8Array, kind: ValueKind, slots?: readonly number[]): { values: number[]; logPrecision: number };
  wipe(): void;
}

/** What the key feature depends on; tests pass fakes. */
export interface KeyServices {
  open(bytes: Uint8Array, passphrase: string, onProgress: (fraction: number) => void): Promise<OpenedKeyFile>;
  vault: KeyVault;
  decryptorFor(key: LoadedKey): ValueDecryptor;
}

export function browserKeyServices(): KeyServices {
  const catalog = new ParameterCatalog();
  return {
    open: (bytes, passphrase, onProgress) => openKeyFile(bytes, passphrase, { onProgress }),
    vault: new KeyVault(new IndexedDbKeyStore()),
    decryptorFor: (key) => new ResultDecryptor(key, catalog),
  };
}

export type KeyStatus =
  | { readonly state: 'none' }
  | { readonly state: 'opening'; readonly progress: number }
  | { readonly state: 'loaded'; readonly key: LoadedKey; readonly persisted: boolean }
  | { readonly state: 'error'; readonly kind: KeyFileErrorKind | 'unreadable'; readonly message: string };

export interface KeysApi {
  status: KeyStatus;
  decryptor: ValueDecryptor | null;
  /** Set when a decryption showed the loaded key is not the data's ("wrong key for this data"). */
  mismatch: string | null;
  load(file: Blob, passphrase: string, persist: boolean): Promise<void>;
  forget(): Promise<void>;
  /** Views report decryption failures here; a wrong-key error becomes the `mismatch` state. */
  reportDecryptionError(error: unknown): string;
}

const KeysContext = createContext<KeysApi | null>(null);

export function KeyProvider({ services, children }: { services: KeyServices; children: ReactNode }) {
  const [status, setStatus] = useState<KeyStatus>({ state: 'none' });
  const [mismatch, setMismatch] = useState<string | null>(null);
  const decryptorRef = useRef<ValueDecryptor | null>(null);
  const [decryptor, setDecryptor] = useState<ValueDecryptor | null>(null);

  const install = useCallback(
    (key: LoadedKey | undefined, persisted: boolean) => {
      decryptorRef.current?.wipe();
      const next = key ? services.decryptorFor(key) : null;
      decryptorRef.current = next;
      setDecryptor(next);
      setMismatch(null);
      setStatus(key ? { state: 'loaded', key, persisted } : { state: 'none' });
    },
    [services],
  );

  // A key kept on this device by an earlier visit comes back without the passphrase.
  useEffect(() => {
    let live = true;
    services.vault.restore().then(
      (key) => live && key && install(key, true),
      () => undefined, // nothing usable stored: stay at "no key"
    );
    return () => {
      live = false;
    };
  }, [services, install]);

  const load = useCallback(
    async (file: Blob, passphrase: string, persist: boolean) => {
      setStatus({ state: 'opening', progress: 0 });
      try {
        const bytes = new Uint8Array(await file.arrayBuffer());
        const opened = await services.open(bytes, passphrase, (progress) => setStatus({ state: 'opening', progress }));
        const key = await services.vault.remember(opened, persist);
        install(key, persist);
      } catch (e) {
        if (e instanceof KeyFileError) setStatus({ state: 'error', kind: e.kind, message: e.message });
        else setStatus({ state: 'error', kind: 'unreadable', message: `the key file could not be read: ${(e as Error).message}` });
      }
    },
    [services, install],
  );

  const forget = useCallback(async () => {
    await services.vault.forget();
    install(undefined, false);
  }, [services, install]);

  const reportDecryptionError = useCallback((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof CkksError && (error.kind === 'wrong-key' || error.kind === 'other-parameters')) setMismatch(message);
    return message;
  }, []);

  const api = useMemo(
    () => ({ status, decryptor, mismatch, load, forget, reportDecryptionError }),
    [status, decryptor, mismatch, load, forget, reportDecryptionError],
  );
  return <KeysContext.Provider value={api}>{children}</KeysContext.Provider>;
}

export function useKeys(): KeysApi {
  const api = useContext(KeysContext);
  if (!api) throw new Error('useKeys needs a KeyProvider above it');
  return api;
}

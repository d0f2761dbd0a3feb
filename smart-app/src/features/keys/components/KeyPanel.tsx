import { useId, useState, type FormEvent } from 'react';
import { Notice } from '../../../components/ui/Notice';
import { useKeys } from '../keyContext';

const ERROR_TITLES: Record<string, string> = {
  'wrong-passphrase': 'Wrong passphrase',
  corrupted: 'The key file is damaged',
  'not-a-key-file': 'This is not a key file',
  'unknown-version': 'Key file version not supported',
  'too-costly': 'The key file asks for too much memory',
  unreadable: 'The key file could not be read',
};

/**
 * Loads the custodian's key file with its passphrase, shows which key is loaded, forgets it.
 * The key stays in this browser: in memory, or (if asked) in IndexedDB under a non-extractable key.
 */
export function KeyPanel() {
  const { status, mismatch, load, forget } = useKeys();
  const [file, setFile] = useState<File | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [persist, setPersist] = useState(false);
  const ids = { file: useId(), passphrase: useId(), persist: useId() };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    await load(file, passphrase, persist);
    setPassphrase('');
  };

  return (
    <section aria-labelledby="key-panel-title" className="rounded border border-slate-300 bg-white p-4">
      <h2 id="key-panel-title" className="text-lg font-semibold">
        Decryption key
      </h2>
      {status.state === 'loaded' ? (
        <>
          <Notice tone="success" title={`Key loaded: key set ${status.key.keySetId}`}>
            Parameters {status.key.fingerprintHex.slice(0, 16)}…; kept {status.persisted ? 'on this device (encrypted, until you forget it)' : 'in this tab only'}.
            It never leaves this browser.
          </Notice>
          {mismatch ? (
            <Notice tone="error" title="Wrong key for this data">
              {mismatch}
            </Notice>
          ) : null}
          <button
            type="button"
            onClick={() => void forget()}
            className="mt-3 rounded bg-slate-800 px-3 py-2 text-white hover:bg-slate-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-offset-2 focus-visible:ring-blue-700"
          >
            Forget key
          </button>
        </>
      ) : (
        <form onSubmit={(e) => void submit(e)} className="mt-2 grid gap-3">
          {status.state === 'none' ? (
            <p className="text-sm text-slate-700">No key loaded: encrypted values cannot be shown until you load the key file your data custodian gave you.</p>
          ) : null}
          <div>
            <label htmlFor={ids.file} className="block text-sm font-medium">
              Key file (.hckf)
            </label>
            <input
              id={ids.file}
              type="file"
              accept=".hckf,application/octet-stream"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              className="mt-1 block text-sm"
            />
          </div>
          <div>
            <label htmlFor={ids.passphrase} className="block text-sm font-medium">
              Passphrase
            </label>
            <input
              id={ids.passphrase}
              type="password"
              autoComplete="off"
              value={passphrase}
              onChange={(e) => setPassphrase(e.target.value)}
              className="mt-1 w-full max-w-sm rounded border border-slate-500 px-2 py-1"
            />
          </div>
          <div className="flex items-center gap-2">
            <input id={ids.persist} type="checkbox" checked={persist} onChange={(e) => setPersist(e.target.checked)} />
            <label htmlFor={ids.persist} className="text-sm">
              Keep the key on this device (encrypted in the browser's storage) until I forget it
            </label>
          </div>
          <div>
            <button
              type="submit"
              disabled={!file || !passphrase || status.state === 'opening'}
              className="rounded bg-blue-800 px-3 py-2 text-white hover:bg-blue-900 disabled:bg-slate-400 focus:outline-none focus-visible:ring-2 focus-visible:ring-offset-2 focus-visible:ring-blue-700"
            >
              Load key
            </button>
          </div>
          {status.state === 'opening' ? (
            <div role="status">
              <label className="text-sm">
                Unlocking the key file (Argon2id)…
                <progress className="ml-2 align-middle" max={1} value={status.progress} />
              </label>
            </div>
          ) : null}
          {status.state === 'error' ? (
            <Notice tone="error" title={ERROR_TITLES[status.kind] ?? 'The key could not be loaded'}>
              {status.message}
            </Notice>
          ) : null}
        </form>
      )}
    </section>
  );
}

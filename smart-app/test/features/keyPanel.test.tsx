import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { KeyPanel } from '../../src/features/keys/components/KeyPanel';
import { KeyProvider } from '../../src/features/keys/keyContext';
import { fakeKeyServices } from '../../src/testing/fakes';

function renderPanel() {
  const services = fakeKeyServices();
  render(
    <KeyProvider services={services}>
      <KeyPanel />
    </KeyProvider>,
  );
  return services;
}

function fillIn(passphrase: string) {
  const file = new File([new Uint8Array([0x48, 0x43, 0x4b, 0x46])], 'custodian.hckf');
  fireEvent.change(screen.getByLabelText('Key file (.hckf)'), { target: { files: [file] } });
  fireEvent.change(screen.getByLabelText('Passphrase'), { target: { value: passphrase } });
}

describe('key panel', () => {
  it('starts with no key and the load button disabled until a file and a passphrase are given', () => {
    renderPanel();
    expect(screen.getByText(/No key loaded/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Load key' })).toBeDisabled();
    fillIn('right');
    expect(screen.getByRole('button', { name: 'Load key' })).toBeEnabled();
  });

  it('a wrong passphrase shows its own error, and the form stays for another try', async () => {
    renderPanel();
    fillIn('wrong');
    fireEvent.click(screen.getByRole('button', { name: 'Load key' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Wrong passphrase');
    expect(screen.getByLabelText('Passphrase')).toHaveValue('');
  });

  it('loads the key, says where it is kept, and forgets it on demand', async () => {
    const services = renderPanel();
    fillIn('right');
    fireEvent.click(screen.getByLabelText(/Keep the key on this device/)); // on
    fireEvent.click(screen.getByLabelText(/Keep the key on this device/)); // and off again: memory only
    fireEvent.click(screen.getByRole('button', { name: 'Load key' }));
    expect(await screen.findByText('Key loaded: key set test-key')).toBeInTheDocument();
    expect(screen.getByText(/kept in this tab only/)).toBeInTheDocument();
    expect(await services.store.load()).toBeUndefined();
    const key = services.vault.current()!;

    fireEvent.click(screen.getByRole('button', { name: 'Forget key' }));
    await waitFor(() => expect(screen.getByText(/No key loaded/)).toBeInTheDocument());
    expect(services.vault.current()).toBeUndefined();
    expect(Array.from(key.secretKey)).toEqual([0, 0, 0]);
  });
});

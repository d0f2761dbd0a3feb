import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { App } from '../../src/app/App';
import { ApiError } from '../../src/lib/fhir/api';
import { FakeApi, fakeKeyServices } from '../../src/testing/fakes';

describe('App', () => {
  it('shows who is signed in and the patient in context, then the key panel and the views', async () => {
    const api = new FakeApi();
    render(<App api={api} keyServices={fakeKeyServices()} relaunch={async () => undefined} />);
    expect(await screen.findByText('Dr. Ada Lovelace')).toBeInTheDocument();
    expect(screen.getByText('Grace Hopper (born 1906-12-09)')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Decryption key' })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Patient' })).toHaveAttribute('aria-selected', 'true');
  });

  it('tabs move with the arrow keys', async () => {
    render(<App api={new FakeApi()} keyServices={fakeKeyServices()} relaunch={async () => undefined} />);
    const patient = await screen.findByRole('tab', { name: 'Patient' });
    patient.focus();
    fireEvent.keyDown(patient, { key: 'ArrowRight' });
    const cohort = screen.getByRole('tab', { name: 'Cohort' });
    expect(cohort).toHaveAttribute('aria-selected', 'true');
    expect(cohort).toHaveFocus();
    expect(screen.getByRole('heading', { name: 'Cohort statistics' })).toBeInTheDocument();
    fireEvent.keyDown(cohort, { key: 'Home' });
    expect(screen.getByRole('tab', { name: 'Patient' })).toHaveFocus();
  });

  it('an expired session says so and offers to sign in again', async () => {
    const api = new FakeApi();
    api.sessionInfo = new ApiError('session-expired', 'your session has expired: launch the app again to sign in', 401);
    const relaunch = vi.fn(async () => undefined);
    render(<App api={api} keyServices={fakeKeyServices()} relaunch={relaunch} />);
    expect(await screen.findByText('Your session has expired')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Sign in again' }));
    expect(relaunch).toHaveBeenCalledOnce();
  });
});

import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from './App';

describe('App placeholder', () => {
  it('names the product and links to the FHIR API', () => {
    render(<App />);

    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Homocloud');
    expect(screen.getByRole('link', { name: '/fhir' })).toHaveAttribute('href', '/fhir/metadata');
  });

  it('says the secret key stays with the custodian', () => {
    render(<App />);

    expect(screen.getByText(/never reaches the server/)).toBeInTheDocument();
  });
});

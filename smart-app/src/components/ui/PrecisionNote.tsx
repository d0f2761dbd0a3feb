import { decimalsFor } from './format';

/** Says why decrypted numbers are rounded (IND-CPA-D), next to every place they are shown or exported. */
export function PrecisionNote({ logPrecision }: { logPrecision: number }) {
  return (
    <p className="mt-2 text-sm text-slate-700" data-testid="precision-note">
      Decrypted values are rounded to a multiple of 2<sup>-{logPrecision}</sup> before they are shown or exported (exports
      keep {decimalsFor(logPrecision)} decimals, the screen at most 4). The last bits of a CKKS decryption carry encryption noise, and publishing them can help an
      attacker recover the key (IND-CPA-D; see SECURITY.md), so they are dropped here, in your browser.
    </p>
  );
}

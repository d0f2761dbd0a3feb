/**
 * Decimal digits that show a value rounded to a multiple of 2^-logPrecision without inventing
 * digits: ceil(logPrecision log10 2), so 2^-20 shows 7 decimals and 2^-16 shows 5. The value is
 * already rounded in binary (decodePublic); this only picks how many decimals to print.
 */
export function decimalsFor(logPrecision: number): number {
  return Math.min(15, Math.ceil(logPrecision * Math.log10(2)));
}

export function formatValue(value: number, logPrecision: number): string {
  return value.toFixed(decimalsFor(logPrecision));
}

/** A value for a person to read: at most 4 decimals, trailing zeros dropped, after the public rounding. */
export function displayValue(value: number, logPrecision: number): string {
  return Number(formatValue(value, logPrecision)).toLocaleString('en-US', { maximumFractionDigits: 4 });
}

export function formatDate(iso: string | undefined): string {
  return iso ? iso.slice(0, 10) : 'no date';
}

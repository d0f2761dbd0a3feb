import type { EncryptedMeanResult, StatisticName } from '../../lib/fhir/api';
import type { ValueDecryptor } from '../keys/keyContext';
import { formatValue } from '../../components/ui/format';

/** A decrypted statistic, rounded to the public precision. */
export interface StatisticValue {
  readonly name: StatisticName;
  /** undefined for the whole cohort; "YYYY-MM" for a month. */
  readonly group?: string;
  readonly value: number;
}

export interface DecryptedCohort {
  readonly count: number;
  readonly patients?: number;
  readonly logPrecision: number;
  readonly overall: readonly StatisticValue[];
  readonly monthly: readonly StatisticValue[];
}

/** Decrypts every statistic's slot 0 with the loaded key. */
export function decryptCohort(result: EncryptedMeanResult, decryptor: ValueDecryptor): DecryptedCohort {
  let logPrecision = 52;
  const values = result.statistics.map((s) => {
    const decrypted = decryptor.decrypt(s.ciphertext, 'statistic', [0]);
    logPrecision = Math.min(logPrecision, decrypted.logPrecision);
    return { name: s.name, group: s.group, value: decrypted.values[0] };
  });
  return {
    count: result.count,
    patients: result.patients,
    logPrecision,
    overall: values.filter((v) => v.group === undefined),
    monthly: values.filter((v) => v.group !== undefined).sort((a, b) => a.group!.localeCompare(b.group!)),
  };
}

export const STATISTIC_LABELS: Record<StatisticName, string> = {
  sum: 'Sum',
  mean: 'Mean',
  sumOfSquares: 'Sum of squares',
  variance: 'Variance',
};

/**
 * The result as CSV (RFC 4180): one row per statistic and group, values printed with the decimals
 * their public rounding allows (no more digits than the rounded value carries).
 */
export function cohortCsv(cohort: DecryptedCohort, code: string): string {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = ['code,group,statistic,value,count,rounded_to'];
  for (const v of [...cohort.overall, ...cohort.monthly]) {
    lines.push(
      [quote(code), v.group ?? 'all', v.name, formatValue(v.value, cohort.logPrecision), String(cohort.count), `2^-${cohort.logPrecision}`].join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

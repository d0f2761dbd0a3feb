/**
 * What the app needs from the Homocloud FHIR server, as one interface: the SMART client
 * (fhirClientApi.ts, through fhirclient) implements it, and tests inject fakes.
 * Operation contracts: notes/common.md ("Contracts between workers"), docs/design.md.
 */

export const ENCRYPTED_VALUE_URL = 'http://homocloud.org/fhir/StructureDefinition/encrypted-value';

export interface Coding {
  readonly system?: string;
  readonly code?: string;
  readonly display?: string;
}

export interface PatientSummary {
  readonly id: string;
  readonly name: string;
  readonly birthDate?: string;
  readonly gender?: string;
}

export interface SessionInfo {
  /** Display name of the logged-in user, if the server says who it is. */
  readonly userName: string | null;
  /** The user's FHIR reference (fhirUser claim), e.g. "Practitioner/123". */
  readonly userReference: string | null;
  /** The patient in context (EHR launch or patient picker), if any. */
  readonly patient: PatientSummary | null;
  /** Granted scopes, as the token response lists them. */
  readonly scopes: readonly string[];
  readonly serverUrl: string;
}

/** An Observation with at least one encrypted quantity (the values themselves come separately). */
export interface EncryptedObservation {
  readonly id: string;
  /** effectiveDateTime, or the start of effectivePeriod. */
  readonly effective?: string;
  readonly code: Coding;
  readonly codeText: string;
}

/** One `value` parameter of GET Observation/ID/$encrypted-value. */
export interface EncryptedValue {
  /** "valueQuantity" or "component[i].valueQuantity". */
  readonly path: string;
  readonly keySet: string;
  readonly keySetVersion: number;
  readonly slot: number;
  readonly unit?: string;
  readonly code?: Coding;
  /** he-engine CiphertextCodec bytes. */
  readonly ciphertext: Uint8Array;
}

/**
 * What a cohort statistic aggregates: an Observation code, or one component of a panel (systolic
 * pressure, 8480-6, inside blood-pressure panels, 55284-4), which the server reads as
 * `code` plus `component-code`.
 */
export interface CohortCode {
  readonly code: Coding;
  readonly component?: Coding;
}

export interface CohortQuery {
  readonly code: Coding;
  /** A component of `code`'s Observations whose values are aggregated instead of their valueQuantity. */
  readonly component?: Coding;
  /** Inclusive ISO dates (YYYY-MM-DD). */
  readonly from?: string;
  readonly to?: string;
  readonly gender?: 'male' | 'female' | 'other' | 'unknown';
  readonly minAge?: number;
  readonly maxAge?: number;
  readonly groupByMonth: boolean;
}

export type StatisticName = 'sum' | 'mean' | 'sumOfSquares' | 'variance';

export interface EncryptedStatistic {
  readonly name: StatisticName;
  /** Result in slot 0. */
  readonly ciphertext: Uint8Array;
  /** e.g. "2020-03" when grouped by month. */
  readonly group?: string;
}

export interface EncryptedMeanResult {
  readonly count: number;
  /** Distinct patients behind the values (the minimum cohort size counts these), when the server says. */
  readonly patients?: number;
  readonly keySet: string;
  readonly keySetVersion: number;
  readonly statistics: readonly EncryptedStatistic[];
}

/** A linear regression of one code on others, per patient (latest value of each code, or their mean). */
export interface RegressionQuery {
  readonly outcome: Coding;
  readonly features: readonly Coding[];
  readonly aggregate: 'latest' | 'mean';
}

/**
 * $encrypted-regression's answer: the encrypted Gram matrix G = A^T A of A = [1 | features | outcome]
 * over `count` patients. G[0][0] is `count` (public); the other upper-triangle entries, in row
 * order, sit in `grams[e / blocksPerCiphertext]` at slot `(e % blocksPerCiphertext) * blockSize`.
 */
export interface EncryptedRegressionResult {
  readonly count: number;
  readonly keySet: string;
  readonly keySetVersion: number;
  readonly columns: number;
  readonly blockSize: number;
  readonly blocksPerCiphertext: number;
  readonly grams: readonly Uint8Array[];
}

export interface JobProgress {
  readonly state: 'submitted' | 'running';
  /** In [0, 1] when the server says. */
  readonly fraction?: number;
}

export interface HomocloudApi {
  session(): Promise<SessionInfo>;
  encryptedObservations(patientId: string): Promise<EncryptedObservation[]>;
  encryptedValues(observationId: string): Promise<EncryptedValue[]>;
  /** Observation codes (and panel components) with encrypted values on the server, for the cohort picker. */
  observationCodes(): Promise<CohortCode[]>;
  encryptedMean(query: CohortQuery, onProgress?: (progress: JobProgress) => void, signal?: AbortSignal): Promise<EncryptedMeanResult>;
  encryptedRegression(query: RegressionQuery, onProgress?: (progress: JobProgress) => void, signal?: AbortSignal): Promise<EncryptedRegressionResult>;
}

export type ApiErrorKind =
  | 'session-expired'
  | 'forbidden'
  | 'cohort-too-small'
  | 'not-found'
  | 'bad-request'
  | 'server'
  | 'network';

/** A failed request, classified for the screen that shows it; the message says what the server said. */
export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** What a screen shows for anything a call threw: the ApiError itself, or a network failure. */
export function asApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError('network', String(e));
}

export function codingKey(coding: Coding): string {
  return `${coding.system ?? ''}|${coding.code ?? ''}`;
}

export function codingLabel(coding: Coding): string {
  return coding.display ?? coding.code ?? 'unknown code';
}

export function cohortCodeKey(c: CohortCode): string {
  return c.component ? `${codingKey(c.code)} ${codingKey(c.component)}` : codingKey(c.code);
}

/** "Glucose" or "Systolic blood pressure in Blood pressure panel". */
export function cohortCodeLabel(c: CohortCode): string {
  return c.component ? `${codingLabel(c.component)} in ${codingLabel(c.code)}` : codingLabel(c.code);
}

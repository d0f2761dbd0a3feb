import {
  ApiError,
  cohortCodeKey,
  cohortCodeLabel,
  ENCRYPTED_VALUE_URL,
  type CohortCode,
  type CohortQuery,
  type Coding,
  type EncryptedMeanResult,
  type EncryptedRegressionResult,
  type EncryptedObservation,
  type EncryptedStatistic,
  type EncryptedValue,
  type HomocloudApi,
  type JobProgress,
  type PatientSummary,
  type RegressionQuery,
  type SessionInfo,
  type StatisticName,
} from './api';

/** The part of fhirclient's Client this adapter uses (tests pass a fake with the same shape). */
export interface FhirRequester {
  request<T = unknown>(options: string | (RequestInit & { url: string; includeResponse?: boolean })): Promise<T>;
  getPatientId(): string | null;
  getFhirUser(): string | null;
  getState(path?: string): unknown;
}

interface Json {
  [key: string]: unknown;
}
type Resource = Json & { resourceType?: string; id?: string };
type Parameter = { name?: string; part?: Parameter[] } & Json;

const MAX_PAGES = 20;
/** Observations scanned for the cohort code list: 40 pages of 500 (the server's largest page). */
const MAX_CODE_PAGES = 40;
const POLL_MS = 1000;

/** HomocloudApi over a SMART-authorized fhirclient Client. */
export class FhirClientApi implements HomocloudApi {
  private codes: Promise<CohortCode[]> | undefined;

  constructor(
    private readonly client: FhirRequester,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    private readonly today: () => Date = () => new Date(),
  ) {}

  async session(): Promise<SessionInfo> {
    const fhirUser = this.client.getFhirUser();
    const patientId = this.client.getPatientId();
    const scope = String(this.client.getState('tokenResponse.scope') ?? '');
    let userName: string | null = null;
    if (fhirUser) {
      try {
        userName = humanName(await this.get<Resource>(fhirUser)) ?? fhirUser;
      } catch (e) {
        if (e instanceof ApiError && e.kind === 'session-expired') throw e;
        userName = fhirUser; // a user we may not read is still a user we can name
      }
    }
    let patient: PatientSummary | null = null;
    if (patientId) {
      const resource = await this.get<Resource>(`Patient/${encodeURIComponent(patientId)}`);
      patient = {
        id: patientId,
        name: humanName(resource) ?? `Patient/${patientId}`,
        birthDate: typeof resource.birthDate === 'string' ? resource.birthDate : undefined,
        gender: typeof resource.gender === 'string' ? resource.gender : undefined,
      };
    }
    return {
      userName,
      userReference: fhirUser,
      patient,
      scopes: scope.split(/\s+/).filter(Boolean),
      serverUrl: String(this.client.getState('serverUrl') ?? ''),
    };
  }

  async encryptedObservations(patientId: string): Promise<EncryptedObservation[]> {
    const out: EncryptedObservation[] = [];
    let url: string | undefined = `Observation?patient=${encodeURIComponent(patientId)}&_count=200&_sort=date`;
    for (let page = 0; url && page < MAX_PAGES; page++) {
      const bundle: Resource = await this.get<Resource>(url);
      for (const entry of (bundle.entry as { resource?: Resource }[] | undefined) ?? []) {
        const r = entry.resource;
        if (r?.resourceType === 'Observation' && r.id && hasEncryptedValue(r)) out.push(observationSummary(r));
      }
      url = ((bundle.link as { relation?: string; url?: string }[] | undefined) ?? []).find((l) => l.relation === 'next')?.url;
    }
    return out;
  }

  async encryptedValues(observationId: string): Promise<EncryptedValue[]> {
    const parameters = await this.get<Resource>(`Observation/${encodeURIComponent(observationId)}/$encrypted-value`);
    return ((parameters.parameter as Parameter[] | undefined) ?? [])
      .filter((p) => p.name === 'value')
      .map((p) => {
        const parts = p.part ?? [];
        const ciphertext = part(parts, 'ciphertext')?.valueBase64Binary;
        if (typeof ciphertext !== 'string') throw new ApiError('server', `$encrypted-value of Observation/${observationId} has a value without a ciphertext`);
        return {
          path: String(part(parts, 'path')?.valueString ?? 'valueQuantity'),
          keySet: String(part(parts, 'keySet')?.valueString ?? ''),
          keySetVersion: Number(part(parts, 'keySetVersion')?.valueInteger ?? 0),
          slot: Number(part(parts, 'slot')?.valueInteger ?? 0),
          unit: part(parts, 'unit')?.valueString as string | undefined,
          code: part(parts, 'code')?.valueCoding as Coding | undefined,
          ciphertext: base64ToBytes(ciphertext),
        };
      });
  }

  /**
   * The codes whose values are encrypted, read from the Observations themselves (code, value and
   * components only), every page of them: a code that first appears on page 2 must still be on the
   * list. Panel components (systolic pressure in a blood-pressure panel) are listed on their own.
   */
  observationCodes(): Promise<CohortCode[]> {
    // Read once per session: the cohort and regression views both ask, each time their tab opens.
    this.codes ??= this.readObservationCodes().catch((e: unknown) => {
      this.codes = undefined;
      throw e;
    });
    return this.codes;
  }

  private async readObservationCodes(): Promise<CohortCode[]> {
    const seen = new Map<string, CohortCode>();
    const add = (c: CohortCode) => seen.set(cohortCodeKey(c), c);
    let url: string | undefined = 'Observation?_elements=code,value,component&_count=500';
    for (let page = 0; url && page < MAX_CODE_PAGES; page++) {
      const bundle: Resource = await this.get<Resource>(url);
      for (const entry of (bundle.entry as { resource?: Resource }[] | undefined) ?? []) {
        const r = entry.resource;
        const code = firstCoding(r?.code);
        if (!r || !code) continue;
        if (isEncrypted(r.valueQuantity)) add({ code });
        for (const c of (r.component as Json[] | undefined) ?? []) {
          const component = firstCoding(c.code);
          if (component && isEncrypted(c.valueQuantity)) add({ code, component });
        }
      }
      url = nextLink(bundle);
    }
    return [...seen.values()].sort((a, b) => cohortCodeLabel(a).localeCompare(cohortCodeLabel(b)));
  }

  /**
   * GET Observation/$encrypted-mean with `Prefer: respond-async` (the FHIR asynchronous request
   * pattern): a 202 names a status URL in Content-Location, polled until it answers 200 with the
   * Parameters; a server that answers 200 at once is fine too. Progress comes from X-Progress.
   * The cohort travels as Observation search parameters in the URL (meanSearch).
   */
  async encryptedMean(query: CohortQuery, onProgress?: (p: JobProgress) => void, signal?: AbortSignal): Promise<EncryptedMeanResult> {
    return meanResult(await this.operation(meanSearch(query, this.today()), onProgress, signal));
  }

  /** GET Observation/$encrypted-regression?model=linear (asynchronously, as encryptedMean). */
  async encryptedRegression(query: RegressionQuery, onProgress?: (p: JobProgress) => void, signal?: AbortSignal): Promise<EncryptedRegressionResult> {
    return regressionResult(await this.operation(regressionSearch(query), onProgress, signal));
  }

  /**
   * An encrypted operation with `Prefer: respond-async` (the FHIR asynchronous request pattern): a 202
   * names a status URL in Content-Location, polled until it answers 200 with the Parameters; a server
   * that answers 200 at once is fine too. Progress comes from X-Progress.
   */
  private async operation(url: string, onProgress?: (p: JobProgress) => void, signal?: AbortSignal): Promise<Resource> {
    onProgress?.({ state: 'submitted' });
    let result = await this.send<Resource>({ url, method: 'GET', headers: { prefer: 'respond-async' }, signal });
    const status = result.response.headers.get('content-location');
    while (result.response.status === 202 && status) {
      onProgress?.({ state: 'running', fraction: progressOf(result.response.headers.get('x-progress')) });
      await this.sleep(POLL_MS);
      if (signal?.aborted) throw new ApiError('network', 'the query was cancelled');
      result = await this.send<Resource>({ url: status, method: 'GET', signal });
    }
    return this.withCiphertextsInline(result.body ?? {});
  }

  /**
   * A ciphertext too large to answer inline comes as a reference to a Binary that only this user's client may
   * read (`valueReference` instead of `valueBase64Binary`, same name): each is fetched and put back inline, so
   * that the result readers see one shape.
   */
  private async withCiphertextsInline(body: Resource): Promise<Resource> {
    const inline = async (parameter: Parameter): Promise<void> => {
      const reference = (parameter.valueReference as { reference?: unknown } | undefined)?.reference;
      if (typeof reference === 'string' && /^Binary\/[^/]+$/.test(reference)) {
        // As FHIR JSON: for any other Accept the server sends the raw bytes, which fhirclient would read as text.
        const binary = (await this.send<Resource>({ url: reference, method: 'GET', headers: { accept: 'application/fhir+json' } })).body;
        if (typeof binary?.data !== 'string') throw new ApiError('server', `the result's ${reference} holds no ciphertext`);
        parameter.valueBase64Binary = binary.data;
        delete parameter.valueReference;
      }
      for (const part of parameter.part ?? []) await inline(part);
    };
    for (const parameter of (body.parameter as Parameter[] | undefined) ?? []) await inline(parameter);
    return body;
  }

  private async get<T>(url: string): Promise<T> {
    return (await this.send<T>({ url, method: 'GET' })).body as T;
  }

  private async send<T>(options: RequestInit & { url: string }): Promise<{ body?: T; response: Response }> {
    try {
      return await this.client.request<{ body?: T; response: Response }>({ ...options, includeResponse: true });
    } catch (e) {
      throw toApiError(e);
    }
  }
}

/** Maps fhirclient's HttpError (status plus the body it appended to the message) to an ApiError. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  const status = typeof (e as { status?: unknown })?.status === 'number' ? (e as { status: number }).status : undefined;
  const message = e instanceof Error ? e.message : String(e);
  const detail = operationOutcomeText(message);
  if (status === undefined) {
    // fhirclient's own "session expired" (no token or expired refresh) carries no status.
    if (/expired|no access token|not authorized/i.test(message)) return new ApiError('session-expired', 'your session has expired: launch the app again to sign in');
    return new ApiError('network', `the server could not be reached: ${message}`);
  }
  switch (status) {
    case 401:
      return new ApiError('session-expired', 'your session has expired: launch the app again to sign in', 401);
    case 403:
      return new ApiError('forbidden', `the server refused this request for the scopes you were granted${detail ? `: ${detail}` : ''}`, 403);
    case 404:
      return new ApiError('not-found', detail ?? 'not found', 404);
    case 422:
      return new ApiError('cohort-too-small', detail ?? 'the cohort is below the minimum size the server allows', 422);
    default:
      return status >= 400 && status < 500
        ? new ApiError('bad-request', detail ?? message, status)
        : new ApiError('server', `the server failed (${status})${detail ? `: ${detail}` : ''}`, status);
  }
}

/** The diagnostics (or details text) of an OperationOutcome in an HttpError message, if there is one. */
function operationOutcomeText(message: string): string | undefined {
  const start = message.indexOf('{');
  if (start < 0) return undefined;
  try {
    const body = JSON.parse(message.slice(start)) as Resource;
    if (body.resourceType !== 'OperationOutcome') return undefined;
    const texts = ((body.issue as Json[] | undefined) ?? [])
      .map((i) => (i.diagnostics as string | undefined) ?? ((i.details as { text?: string } | undefined)?.text))
      .filter((t): t is string => !!t);
    return texts.length ? texts.join('; ') : undefined;
  } catch {
    return undefined;
  }
}

function part(parts: Parameter[], name: string): Parameter | undefined {
  return parts.find((p) => p.name === name);
}

function humanName(resource: Resource): string | undefined {
  const name = ((resource.name as Json[] | undefined) ?? [])[0];
  if (!name) return undefined;
  if (typeof name.text === 'string') return name.text;
  const given = ((name.given as string[] | undefined) ?? []).join(' ');
  const family = typeof name.family === 'string' ? name.family : '';
  return `${given} ${family}`.trim() || undefined;
}

function hasEncryptedValue(observation: Resource): boolean {
  const quantities = [observation.valueQuantity, ...(((observation.component as Json[] | undefined) ?? []).map((c) => c.valueQuantity))];
  return quantities.some((q) =>
    (((q as Json | undefined)?._value as Json | undefined)?.extension as Json[] | undefined)?.some((x) => x.url === ENCRYPTED_VALUE_URL),
  );
}

function observationSummary(r: Resource): EncryptedObservation {
  const code = (r.code as { coding?: Coding[]; text?: string } | undefined) ?? {};
  const coding = code.coding?.[0] ?? {};
  const effective =
    (r.effectiveDateTime as string | undefined) ?? ((r.effectivePeriod as { start?: string } | undefined)?.start) ?? (r.issued as string | undefined);
  return { id: r.id!, effective, code: coding, codeText: code.text ?? coding.display ?? coding.code ?? 'Observation' };
}

/**
 * The $encrypted-mean request as the server reads it: its own parameters (`code`, `component-code`,
 * `statistic`, `groupBy`) and the cohort as ordinary Observation search parameters: `date` for the
 * range, `patient.gender`, and the age range as `patient.birthdate` bounds counted back from `today`
 * (at least minAge years old: born on or before today minus minAge years; at most maxAge: born after
 * today minus maxAge + 1 years).
 */
export function meanSearch(query: CohortQuery, today: Date): string {
  const p = new URLSearchParams();
  p.append('code', token(query.code));
  if (query.component) p.append('component-code', token(query.component));
  p.append('statistic', 'mean');
  p.append('statistic', 'variance');
  if (query.groupByMonth) p.append('groupBy', 'month');
  if (query.from) p.append('date', `ge${query.from}`);
  if (query.to) p.append('date', `le${query.to}`);
  if (query.gender) p.append('patient.gender', query.gender);
  if (query.minAge !== undefined) p.append('patient.birthdate', `le${yearsBefore(today, query.minAge)}`);
  if (query.maxAge !== undefined) p.append('patient.birthdate', `gt${yearsBefore(today, query.maxAge + 1)}`);
  return `Observation/$encrypted-mean?${p.toString()}`;
}

/** The $encrypted-regression request: linear model, features in order, the outcome last in the Gram matrix. */
export function regressionSearch(query: RegressionQuery): string {
  const p = new URLSearchParams();
  p.append('model', 'linear');
  p.append('outcome', token(query.outcome));
  for (const feature of query.features) p.append('feature', token(feature));
  p.append('aggregate', query.aggregate);
  return `Observation/$encrypted-regression?${p.toString()}`;
}

function regressionResult(body: Resource): EncryptedRegressionResult {
  const parameters = (body.parameter as Parameter[] | undefined) ?? [];
  const integer = (name: string) => {
    const value = parameters.find((p) => p.name === name)?.valueInteger;
    if (typeof value !== 'number') throw new ApiError('server', `$encrypted-regression answered without '${name}'`);
    return value;
  };
  const grams = parameters
    .filter((p) => p.name === 'gram')
    .map((p) => {
      if (typeof p.valueBase64Binary !== 'string') throw new ApiError('server', '$encrypted-regression answered a gram without a ciphertext');
      return base64ToBytes(p.valueBase64Binary);
    });
  return {
    count: integer('count'),
    keySet: String(parameters.find((p) => p.name === 'keySet')?.valueString ?? ''),
    keySetVersion: integer('keySetVersion'),
    columns: integer('columns'),
    blockSize: integer('blockSize'),
    blocksPerCiphertext: integer('blocksPerCiphertext'),
    grams,
  };
}

function token(coding: Coding): string {
  return coding.system ? `${coding.system}|${coding.code ?? ''}` : (coding.code ?? '');
}

function yearsBefore(today: Date, years: number): string {
  return new Date(Date.UTC(today.getUTCFullYear() - years, today.getUTCMonth(), today.getUTCDate())).toISOString().slice(0, 10);
}

function firstCoding(concept: unknown): Coding | undefined {
  const coding = ((concept as { coding?: Coding[] } | undefined)?.coding ?? [])[0];
  return coding?.code ? coding : undefined;
}

function isEncrypted(quantity: unknown): boolean {
  return (((quantity as Json | undefined)?._value as Json | undefined)?.extension as Json[] | undefined)?.some((x) => x.url === ENCRYPTED_VALUE_URL) ?? false;
}

function nextLink(bundle: Resource): string | undefined {
  return ((bundle.link as { relation?: string; url?: string }[] | undefined) ?? []).find((l) => l.relation === 'next')?.url;
}

const STATISTICS: readonly StatisticName[] = ['sum', 'mean', 'sumOfSquares', 'variance'];

function meanResult(body: Resource): EncryptedMeanResult {
  const parameters = (body.parameter as Parameter[] | undefined) ?? [];
  const top = (name: string) => parameters.find((p) => p.name === name);
  const count = top('count')?.valueInteger;
  if (typeof count !== 'number') throw new ApiError('server', '$encrypted-mean answered without a count');
  const statistics: EncryptedStatistic[] = parameters
    .filter((p) => p.name === 'statistic')
    .map((p) => {
      const parts = p.part ?? [];
      const name = part(parts, 'name')?.valueCode as StatisticName;
      const ciphertext = part(parts, 'ciphertext')?.valueBase64Binary;
      if (!STATISTICS.includes(name) || typeof ciphertext !== 'string') {
        throw new ApiError('server', `$encrypted-mean answered a statistic the app does not understand (${String(name)})`);
      }
      return { name, ciphertext: base64ToBytes(ciphertext), group: part(parts, 'group')?.valueString as string | undefined };
    });
  const patients = top('patients')?.valueInteger;
  return {
    count,
    ...(typeof patients === 'number' ? { patients } : {}),
    keySet: String(top('keySet')?.valueString ?? ''),
    keySetVersion: Number(top('keySetVersion')?.valueInteger ?? 0),
    statistics,
  };
}

/** "running 40%" or "0.4" to 0.4; undefined when the header says nothing numeric. */
function progressOf(header: string | null): number | undefined {
  const match = header?.match(/(\d+(?:\.\d+)?)\s*(%)?/);
  if (!match) return undefined;
  const value = Number(match[1]);
  return match[2] ? value / 100 : value <= 1 ? value : undefined;
}

export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

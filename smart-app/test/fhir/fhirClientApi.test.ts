// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { ApiError, ENCRYPTED_VALUE_URL } from '../../src/lib/fhir/api';
import { FhirClientApi, meanSearch, regressionSearch, type FhirRequester } from '../../src/lib/fhir/fhirClientApi';

type Handler = (url: string, init: RequestInit) => { status?: number; body?: unknown; headers?: Record<string, string> } | Error;

/** A fhirclient Client stand-in: answers by URL, records requests, throws errors as fhirclient's HttpError does. */
function fakeClient(handler: Handler, state: Record<string, unknown> = {}) {
  const requests: { url: string; method?: string; body?: unknown; headers?: unknown }[] = [];
  const client: FhirRequester = {
    async request<T>(options: string | (RequestInit & { url: string; includeResponse?: boolean })): Promise<T> {
      const o = typeof options === 'string' ? { url: options } : options;
      requests.push({ url: o.url, method: o.method, body: o.body, headers: o.headers });
      const answer = handler(o.url, o);
      if (answer instanceof Error) throw answer;
      const response = new Response(null, { status: answer.status ?? 200, headers: answer.headers });
      return { body: answer.body, response } as T;
    },
    getPatientId: () => (state.patientId as string) ?? null,
    getFhirUser: () => (state.fhirUser as string) ?? null,
    getState: (path?: string) => state[path ?? ''],
  };
  return { client, requests };
}

/** What fhirclient throws for a non-2xx answer: status, and the JSON body appended to the message. */
function httpError(status: number, body?: unknown): Error {
  const e = new Error(`${status} Error\nURL: x${body ? `\n\n${JSON.stringify(body, null, 4)}` : ''}`) as Error & { status: number };
  e.status = status;
  return e;
}

const encrypted = { _value: { extension: [{ url: ENCRYPTED_VALUE_URL, extension: [] }] }, unit: 'mg/dL' };

describe('FhirClientApi (the SMART adapter)', () => {
  it('session: user name from fhirUser, the patient in context, the granted scopes', async () => {
    const { client } = fakeClient(
      (url) =>
        url === 'Practitioner/ada'
          ? { body: { resourceType: 'Practitioner', name: [{ given: ['Ada'], family: 'Lovelace' }] } }
          : { body: { resourceType: 'Patient', id: 'p1', name: [{ text: 'Grace Hopper' }], birthDate: '1906-12-09' } },
      { fhirUser: 'Practitioner/ada', patientId: 'p1', 'tokenResponse.scope': 'openid patient/Observation.rs', serverUrl: 'http://127.0.0.1:8080/fhir' },
    );
    const session = await new FhirClientApi(client).session();
    expect(session).toEqual({
      userName: 'Ada Lovelace',
      userReference: 'Practitioner/ada',
      patient: { id: 'p1', name: 'Grace Hopper', birthDate: '1906-12-09', gender: undefined },
      scopes: ['openid', 'patient/Observation.rs'],
      serverUrl: 'http://127.0.0.1:8080/fhir',
    });
  });

  it('lists only Observations with an encrypted value (or component), following next links', async () => {
    const { client, requests } = fakeClient((url) =>
      url.startsWith('Observation?patient=p1')
        ? {
            body: {
              entry: [
                { resource: { resourceType: 'Observation', id: 'o1', code: { coding: [{ code: 'a', display: 'A' }] }, effectiveDateTime: '2020-01-01', valueQuantity: encrypted } },
                { resource: { resourceType: 'Observation', id: 'plain', code: { text: 'B' }, valueQuantity: { value: 1 } } },
              ],
              link: [{ relation: 'next', url: 'http://s/fhir?page=2' }],
            },
          }
        : { body: { entry: [{ resource: { resourceType: 'Observation', id: 'o2', code: { text: 'BP' }, effectivePeriod: { start: '2020-02-01' }, component: [{ valueQuantity: encrypted }] } }] } },
    );
    const list = await new FhirClientApi(client).encryptedObservations('p1');
    expect(list.map((o) => [o.id, o.codeText, o.effective])).toEqual([
      ['o1', 'A', '2020-01-01'],
      ['o2', 'BP', '2020-02-01'],
    ]);
    expect(requests.map((r) => r.url)).toEqual(['Observation?patient=p1&_count=200&_sort=date', 'http://s/fhir?page=2']);
  });

  it('$encrypted-value: one entry per value parameter, the ciphertext decoded from base64', async () => {
    const { client, requests } = fakeClient(() => ({
      body: {
        resourceType: 'Parameters',
        parameter: [
          {
            name: 'value',
            part: [
              { name: 'path', valueString: 'component[1].valueQuantity' },
              { name: 'keySet', valueString: 'default' },
              { name: 'keySetVersion', valueInteger: 2 },
              { name: 'slot', valueInteger: 17 },
              { name: 'unit', valueString: 'mm[Hg]' },
              { name: 'code', valueCoding: { system: 'http://loinc.org', code: '8462-4' } },
              { name: 'ciphertext', valueBase64Binary: 'SENLUw==' },
            ],
          },
        ],
      },
    }));
    const [value] = await new FhirClientApi(client).encryptedValues('o 1');
    expect(requests[0].url).toBe('Observation/o%201/$encrypted-value');
    expect(value).toEqual({
      path: 'component[1].valueQuantity',
      keySet: 'default',
      keySetVersion: 2,
      slot: 17,
      unit: 'mm[Hg]',
      code: { system: 'http://loinc.org', code: '8462-4' },
      ciphertext: new Uint8Array([0x48, 0x43, 0x4b, 0x53]),
    });
  });

  it('maps 401, 403 and 422 (with its OperationOutcome) to what the screens show', async () => {
    const outcome = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'processing', diagnostics: 'cohort of 3 is below the minimum 10' }] };
    const cases: [Error, string, RegExp][] = [
      [httpError(401), 'session-expired', /session has expired/],
      [httpError(403), 'forbidden', /refused this request for the scopes/],
      [httpError(422, outcome), 'cohort-too-small', /^cohort of 3 is below the minimum 10$/],
      [httpError(500), 'server', /server failed \(500\)/],
      [new Error('Failed to fetch'), 'network', /could not be reached/],
    ];
    for (const [error, kind, message] of cases) {
      const api = new FhirClientApi(fakeClient(() => error).client);
      const failure = await api.encryptedValues('o1').catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ApiError);
      expect((failure as ApiError).kind).toBe(kind);
      expect((failure as ApiError).message).toMatch(message);
    }
  });

  it('$encrypted-mean: asks asynchronously, polls the status URL with progress, reads the result', async () => {
    const result = {
      resourceType: 'Parameters',
      parameter: [
        { name: 'count', valueInteger: 42 },
        { name: 'patients', valueInteger: 12 },
        { name: 'keySet', valueString: 'default' },
        { name: 'keySetVersion', valueInteger: 1 },
        { name: 'statistic', part: [{ name: 'name', valueCode: 'mean' }, { name: 'ciphertext', valueBase64Binary: 'AQI=' }] },
        { name: 'statistic', part: [{ name: 'name', valueCode: 'mean' }, { name: 'group', valueString: '2020-03' }, { name: 'ciphertext', valueBase64Binary: 'AwQ=' }] },
      ],
    };
    let polls = 0;
    const { client, requests } = fakeClient((url) => {
      if (url.startsWith('Observation/$encrypted-mean?')) return { status: 202, headers: { 'content-location': 'http://s/fhir/$job/1', 'x-progress': 'queued' } };
      polls++;
      return polls === 1 ? { status: 202, headers: { 'content-location': 'http://s/fhir/$job/1', 'x-progress': 'running 40%' } } : { status: 200, body: result };
    });
    const progress: unknown[] = [];
    const mean = await new FhirClientApi(client, async () => undefined, () => new Date('2026-11-24T12:00:00Z')).encryptedMean(
      { code: { system: 'http://loinc.org', code: '2339-0' }, from: '2020-01-01', minAge: 40, groupByMonth: true },
      (p) => progress.push(p),
    );
    expect(requests[0]).toMatchObject({ method: 'GET', headers: { prefer: 'respond-async' } });
    expect(decodeURIComponent(requests[0].url)).toBe(
      'Observation/$encrypted-mean?code=http://loinc.org|2339-0&statistic=mean&statistic=variance&groupBy=month&date=ge2020-01-01&patient.birthdate=le1986-11-24',
    );
    expect(progress).toEqual([{ state: 'submitted' }, { state: 'running', fraction: undefined }, { state: 'running', fraction: 0.4 }]);
    expect(mean.count).toBe(42);
    expect(mean.patients).toBe(12);
    expect(mean.statistics).toEqual([
      { name: 'mean', ciphertext: new Uint8Array([1, 2]), group: undefined },
      { name: 'mean', ciphertext: new Uint8Array([3, 4]), group: '2020-03' },
    ]);
  });

  it('$encrypted-mean: a ciphertext answered as a Binary reference is fetched and read like an inline one', async () => {
    const { client, requests } = fakeClient((url) =>
      url === 'Binary/77'
        ? { body: { resourceType: 'Binary', contentType: 'application/vnd.homocloud.ckks-ciphertext', data: 'BQY=' } }
        : {
            body: {
              resourceType: 'Parameters',
              parameter: [
                { name: 'count', valueInteger: 42 },
                { name: 'statistic', part: [{ name: 'name', valueCode: 'mean' }, { name: 'ciphertext', valueReference: { reference: 'Binary/77' } }] },
                { name: 'statistic', part: [{ name: 'name', valueCode: 'variance' }, { name: 'ciphertext', valueBase64Binary: 'AwQ=' }] },
              ],
            },
          },
    );
    const mean = await new FhirClientApi(client).encryptedMean({ code: { system: 'http://loinc.org', code: '2339-0' }, groupByMonth: false });
    expect(requests.find((r) => r.url === 'Binary/77')).toMatchObject({ method: 'GET', headers: { accept: 'application/fhir+json' } });
    expect(mean.statistics).toEqual([
      { name: 'mean', ciphertext: new Uint8Array([5, 6]), group: undefined },
      { name: 'variance', ciphertext: new Uint8Array([3, 4]), group: undefined },
    ]);
  });

  it('$encrypted-regression: a Binary reference without data is a server error, not a silent zero', async () => {
    const { client } = fakeClient((url) =>
      url === 'Binary/9'
        ? { body: { resourceType: 'Binary', contentType: 'application/vnd.homocloud.ckks-ciphertext' } }
        : { body: { resourceType: 'Parameters', parameter: [{ name: 'count', valueInteger: 38 }, { name: 'gram', valueReference: { reference: 'Binary/9' } }] } },
    );
    const loinc = (code: string) => ({ system: 'http://loinc.org', code });
    await expect(
      new FhirClientApi(client).encryptedRegression({ outcome: loinc('39156-5'), features: [loinc('29463-7')], aggregate: 'latest' }),
    ).rejects.toThrow(/Binary\/9 holds no ciphertext/);
  });

  it('$encrypted-mean: the cohort as the server reads it (component, date range, gender, ages as birth dates)', () => {
    const url = meanSearch(
      {
        code: { system: 'http://loinc.org', code: '55284-4' },
        component: { system: 'http://loinc.org', code: '8480-6' },
        from: '2015-01-01',
        to: '2019-12-31',
        gender: 'female',
        minAge: 40,
        maxAge: 64,
        groupByMonth: false,
      },
      new Date('2026-02-10T23:00:00Z'),
    );
    const params = new URLSearchParams(url.slice(url.indexOf('?') + 1));
    expect(url.startsWith('Observation/$encrypted-mean?')).toBe(true);
    expect(params.get('code')).toBe('http://loinc.org|55284-4');
    expect(params.get('component-code')).toBe('http://loinc.org|8480-6');
    expect(params.getAll('date')).toEqual(['ge2015-01-01', 'le2019-12-31']);
    expect(params.get('patient.gender')).toBe('female');
    // 40 or older: born on or before 1986-02-10; 64 or younger: born after 1961-02-10.
    expect(params.getAll('patient.birthdate')).toEqual(['le1986-02-10', 'gt1961-02-10']);
    expect(params.has('groupBy')).toBe(false);
  });

  it('cohort codes: every page, encrypted values only, panel components on their own', async () => {
    const loinc = (code: string, display: string) => ({ coding: [{ system: 'http://loinc.org', code, display }] });
    const { client, requests } = fakeClient((url) =>
      url.startsWith('Observation?')
        ? {
            body: {
              entry: [
                { resource: { resourceType: 'Observation', code: loinc('2339-0', 'Glucose'), valueQuantity: encrypted } },
                { resource: { resourceType: 'Observation', code: loinc('72166-2', 'Smoking status'), valueCodeableConcept: {} } },
              ],
              link: [{ relation: 'next', url: 'http://s/fhir?_getpages=x' }],
            },
          }
        : {
            body: {
              entry: [
                {
                  resource: {
                    resourceType: 'Observation',
                    code: loinc('55284-4', 'Blood pressure'),
                    component: [{ code: loinc('8480-6', 'Systolic'), valueQuantity: encrypted }, { code: loinc('8462-4', 'Diastolic'), valueQuantity: encrypted }],
                  },
                },
              ],
            },
          },
    );
    const api = new FhirClientApi(client);
    const codes = await api.observationCodes();
    expect(await api.observationCodes()).toBe(codes); // read once per session
    expect(requests.map((r) => r.url)).toEqual(['Observation?_elements=code,value,component&_count=500', 'http://s/fhir?_getpages=x']);
    expect(codes.map((c) => `${c.code.code}${c.component ? `/${c.component.code}` : ''}`)).toEqual(['55284-4/8462-4', '2339-0', '55284-4/8480-6']);
  });

  it('$encrypted-regression: features in order, the outcome, and the Gram layout read from the answer', async () => {
    const loinc = (code: string) => ({ system: 'http://loinc.org', code });
    const query = { outcome: loinc('39156-5'), features: [loinc('29463-7'), loinc('8302-2')], aggregate: 'latest' as const };
    expect(decodeURIComponent(regressionSearch(query))).toBe(
      'Observation/$encrypted-regression?model=linear&outcome=http://loinc.org|39156-5&feature=http://loinc.org|29463-7&feature=http://loinc.org|8302-2&aggregate=latest',
    );
    const { client } = fakeClient(() => ({
      body: {
        resourceType: 'Parameters',
        parameter: [
          { name: 'model', valueCode: 'linear' },
          { name: 'count', valueInteger: 38 },
          { name: 'keySet', valueString: 'default' },
          { name: 'keySetVersion', valueInteger: 1 },
          { name: 'columns', valueInteger: 4 },
          { name: 'blockSize', valueInteger: 64 },
          { name: 'blocksPerCiphertext', valueInteger: 128 },
          { name: 'gram', valueBase64Binary: 'AQI=' },
        ],
      },
    }));
    const result = await new FhirClientApi(client).encryptedRegression(query);
    expect(result).toEqual({ count: 38, keySet: 'default', keySetVersion: 1, columns: 4, blockSize: 64, blocksPerCiphertext: 128, grams: [new Uint8Array([1, 2])] });
  });
});

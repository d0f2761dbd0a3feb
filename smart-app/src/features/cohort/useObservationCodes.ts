import { useEffect, useState } from 'react';
import { asApiError, type ApiError, type CohortCode, type HomocloudApi } from '../../lib/fhir/api';

/** The Observation codes the server holds encrypted values for, loaded once per api; null while loading. */
export function useObservationCodes(api: HomocloudApi): { codes: CohortCode[] | null; error: ApiError | null } {
  const [codes, setCodes] = useState<CohortCode[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let live = true;
    api.observationCodes().then(
      (c) => live && setCodes(c),
      (e) => live && setError(asApiError(e)),
    );
    return () => {
      live = false;
    };
  }, [api]);
  return { codes, error };
}

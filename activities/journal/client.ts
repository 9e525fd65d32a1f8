/**
 * The journal port and its FHIR R4 adapter: a transaction Bundle POSTed to the EHR's base URL with a
 * bearer token from OAuth2 client credentials (SMART backend services' token endpoint). A 4xx answer
 * is a refusal (our request is wrong, retrying will not help); no answer, a 5xx or 429 is the EHR
 * being away, and the activity retries.
 */
import type { Bundle } from '@medplum/fhirtypes';

/** Where notes go: one transaction per note, answered with the transaction-response Bundle. */
export interface JournalPort {
  transaction(bundle: Bundle): Promise<Bundle>;
}

/** The EHR refused the request (a 4xx with its OperationOutcome): not retried. */
export class JournalRefusedError extends Error {}

export interface FhirJournalOptions {
  baseUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs?: number;
}

/** The issue codes of an OperationOutcome (e.g. "invalid, required"), or nothing. */
function issueCodes(text: string): string {
  try {
    const outcome = JSON.parse(text) as { issue?: Array<{ code?: string }> };
    return [...new Set((outcome.issue ?? []).map((i) => i.code).filter(Boolean))].join(', ');
  } catch {
    return '';
  }
}

export function createFhirJournal(o: FhirJournalOptions): JournalPort {
  const timeout = o.timeoutMs ?? 10_000;
  let token: { value: string; until: number } | null = null;

  async function bearer(): Promise<string> {
    if (token && token.until > Date.now()) return token.value;
    const res = await fetch(o.tokenUrl, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(o.clientId)}:${encodeURIComponent(o.clientSecret)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'system/*.write' }),
      signal: AbortSignal.timeout(timeout),
    });
    if (res.status === 400 || res.status === 401)
      throw new JournalRefusedError(`token: ${res.status} (client id or secret)`);
    if (!res.ok) throw new Error(`token: ${res.status}`);
    const body = (await res.json()) as { access_token: string; expires_in?: number };
    // Renewed a minute before it runs out.
    token = { value: body.access_token, until: Date.now() + ((body.expires_in ?? 300) - 60) * 1000 };
    return token.value;
  }

  return {
    async transaction(bundle) {
      const send = async () =>
        fetch(o.baseUrl, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${await bearer()}`,
            'content-type': 'application/fhir+json',
            accept: 'application/fhir+json',
          },
          body: JSON.stringify(bundle),
          signal: AbortSignal.timeout(timeout),
        });
      let res = await send();
      // A token the EHR no longer knows (it restarted): one fresh token, once.
      if (res.status === 401) {
        token = null;
        res = await send();
      }
      const text = await res.text();
      // Only the status and the issue codes: the EHR's own words may echo patient data into logs and history.
      if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429)
        throw new JournalRefusedError(`the journal refused the note: ${res.status} ${issueCodes(text)}`);
      if (!res.ok) throw new Error(`the journal answered ${res.status}`);
      return JSON.parse(text) as Bundle;
    },
  };
}

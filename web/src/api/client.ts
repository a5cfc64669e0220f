import createClient, { type Middleware } from 'openapi-fetch';
import { storedCredentials } from '../session.ts';
import type { operations, paths } from './openapi';

/** The JSON body an operation answers with on success (typed from the API's OpenAPI document). */
export type OkBody<O extends keyof operations> = operations[O]['responses'] extends {
  200: { content: { 'application/json': infer Body } };
}
  ? Body
  : never;

export type Profile = OkBody<'getResearchersById'>;
export type Researcher = OkBody<'getResearchers'>['items'][number];
export type Suggestion = OkBody<'getResearchersByIdCollaborators'>['items'][number];
export type PaperRecord = OkBody<'getPapersById'>;
export type Paper = OkBody<'getResearchersByIdPapers'>['items'][number];
export type ScoredPaper = OkBody<'postPapersSimilar'>['items'][number];
export type GraphSlice = OkBody<'getResearchersByIdGraph'>;
export type Invitation = OkBody<'getInvitationsById'>;
export type Page = OkBody<'getPapers'>['page'];

/** An answer of the API that is not a success, in its `{ error: { code, message, details } }` shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds: number | null = null,
    readonly requestId: string | null = null,
  ) {
    super(message);
  }
}

/**
 * Browsing calls carry the platform key; calls made as the researcher (inbox, invitations, follow)
 * carry the researcher token when there is one, else the key (an admin key may act for anyone).
 */
function credentialsFor(actingAs: 'platform' | 'researcher'): Middleware {
  return {
    onRequest({ request }) {
      const { apiKey, researcherToken } = storedCredentials();
      if (actingAs === 'researcher' && researcherToken) {
        request.headers.set('authorization', `Bearer ${researcherToken}`);
      } else if (apiKey) {
        request.headers.set('x-api-key', apiKey);
      }
      return request;
    },
  };
}

function client(actingAs: 'platform' | 'researcher') {
  const made = createClient<paths>({ baseUrl: location.origin });
  made.use(credentialsFor(actingAs));
  return made;
}

export const api = client('platform');
export const asResearcher = client('researcher');

/** A boolean as the query strings of the API take it. */
export const flag = (value: boolean): 'true' | 'false' => (value ? 'true' : 'false');

type Answer<T> = { data?: T; error?: unknown; response: Response };

/** The body of a successful answer; anything else becomes an ApiError (network failures included). */
export async function ok<T>(call: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await call;
  } catch {
    throw new ApiError(0, 'network_error', 'The PeerScout API could not be reached.');
  }
  const { data, error, response } = answer;
  if (response.ok) return data as T;
  const body = (error ?? {}) as { error?: { code?: string; message?: string; requestId?: string } };
  const retryAfter = Number(response.headers.get('retry-after'));
  throw new ApiError(
    response.status,
    body.error?.code ?? `http_${response.status}`,
    body.error?.message ?? response.statusText,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
    body.error?.requestId ?? response.headers.get('x-request-id'),
  );
}

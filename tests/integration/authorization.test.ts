import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintResearcherToken } from '../../scripts/lib/researcher-token.ts';
import { readSample, startTestApp, stopTestApp, type TestApp } from '../helpers/test-env.ts';

const READ_KEY = 'read-key-of-enough-length';
const ADMIN_KEY = 'admin-key-of-enough-length';
const SECRET = 'a-researcher-token-secret-of-32-chars!';
const ISSUER = 'test-platform';
const AUDIENCE = 'peerscout-test';

const sample = readSample();
const [paper] = sample;
const owner = paper!.authors[0]!.id;
const other = sample.find((p) => p.authors.every((a) => a.id !== owner))!.authors[0]!.id;
const candidate = sample.find((p) => p.authors.every((a) => a.id !== owner && a.id !== other))!.authors[0]!
  .id;

let t: TestApp;
let invitation = '';

async function token(sub: string, options: { expiresIn?: string; secret?: string } = {}): Promise<string> {
  const settings = { secret: options.secret ?? SECRET, issuer: ISSUER, audience: AUDIENCE };
  return mintResearcherToken(settings, sub, options.expiresIn ?? '10m');
}

type Credential = 'none' | 'read' | 'admin' | 'owner' | 'other' | 'expired' | 'badSignature';
const credentials: Credential[] = ['none', 'read', 'admin', 'owner', 'other', 'expired', 'badSignature'];
let headersOf: Record<Credential, Record<string, string>>;

/** Who may call a route: what the matrix expects of each credential. */
type Rule = 'public' | 'read' | 'admin' | 'owner' | 'recipient' | 'candidate';
const ALLOWED = 'allowed';

function expected(rule: Rule, credential: Credential): 401 | 403 | typeof ALLOWED {
  if (rule === 'public') return ALLOWED;
  if (credential === 'none' || credential === 'expired' || credential === 'badSignature') return 401;
  if (credential === 'admin') return ALLOWED;
  if (rule === 'read') return credential === 'read' ? ALLOWED : 403;
  if (rule === 'admin') return 403;
  if (credential === 'read') return 403;
  // Researcher tokens: the owner of the record (the invitation's recipient; not its candidate).
  if (rule === 'candidate') return 403;
  return credential === 'owner' ? ALLOWED : 403;
}

/** Every route, with a request that needs no earlier state and the rule it follows. */
const routes = (): { rule: Rule; request: InjectOptions }[] => [
  { rule: 'public', request: { url: '/healthz' } },
  { rule: 'public', request: { url: '/readyz' } },
  { rule: 'read', request: { url: '/v1/papers?limit=1' } },
  { rule: 'read', request: { url: `/v1/papers/${paper!.id}` } },
  { rule: 'read', request: { url: `/v1/papers/${paper!.id}/similar?limit=2` } },
  {
    rule: 'read',
    request: { method: 'POST', url: '/v1/papers/similar', payload: { abstract: 'graph parsing' } },
  },
  {
    rule: 'read',
    request: { method: 'POST', url: '/v1/papers/recommend', payload: { positive: [paper!.id] } },
  },
  { rule: 'read', request: { url: '/v1/researchers?q=a' } },
  { rule: 'read', request: { url: `/v1/researchers/${owner}` } },
  { rule: 'read', request: { url: `/v1/researchers/${owner}/papers` } },
  { rule: 'read', request: { url: `/v1/researchers/${owner}/collaborators?limit=3` } },
  {
    rule: 'read',
    request: { method: 'POST', url: '/v1/collaborators/suggest', payload: { text: 'parsing' } },
  },
  { rule: 'read', request: { url: `/v1/researchers/${owner}/related-papers?limit=2` } },
  { rule: 'read', request: { url: `/v1/researchers/${owner}/similar?limit=2` } },
  { rule: 'read', request: { url: `/v1/researchers/${owner}/graph?limit=8` } },
  { rule: 'admin', request: { method: 'POST', url: '/v1/papers', payload: { papers: [] } } },
  { rule: 'admin', request: { method: 'DELETE', url: '/v1/papers/no-such-paper' } },
  { rule: 'admin', request: { method: 'POST', url: `/v1/researchers/${owner}/claim`, payload: {} } },
  { rule: 'admin', request: { method: 'DELETE', url: `/v1/researchers/${owner}/claim?accountId=x` } },
  { rule: 'admin', request: { method: 'POST', url: `/v1/researchers/no-such-person/refresh` } },
  { rule: 'admin', request: { method: 'POST', url: '/v1/ranking-model/train' } },
  {
    rule: 'admin',
    request: { method: 'POST', url: '/v1/invitations/digest', payload: { period: '1999-W01' } },
  },
  { rule: 'admin', request: { url: '/v1/jobs/suggestions:999999' } },
  { rule: 'admin', request: { url: '/admin/queues' } },
  // /metrics takes the metrics scope too (no such key here), and admin keys.
  { rule: 'admin', request: { url: '/metrics' } },
  { rule: 'owner', request: { method: 'PATCH', url: `/v1/researchers/${owner}`, payload: {} } },
  { rule: 'owner', request: { url: `/v1/researchers/${owner}/invitations` } },
  { rule: 'owner', request: { method: 'PUT', url: `/v1/researchers/${owner}/blocked/${candidate}` } },
  { rule: 'owner', request: { method: 'DELETE', url: `/v1/researchers/${owner}/blocked/${candidate}` } },
  { rule: 'owner', request: { method: 'PUT', url: `/v1/researchers/${candidate}/followers/${owner}` } },
  { rule: 'owner', request: { method: 'DELETE', url: `/v1/researchers/${candidate}/followers/${owner}` } },
  { rule: 'recipient', request: { url: `/v1/invitations/${invitation}` } },
  {
    rule: 'recipient',
    request: {
      method: 'POST',
      url: `/v1/invitations/${invitation}/snooze`,
      payload: { until: '2999-01-01T00:00:00Z' },
    },
  },
  { rule: 'recipient', request: { method: 'POST', url: `/v1/invitations/${invitation}/send` } },
  { rule: 'recipient', request: { method: 'POST', url: `/v1/invitations/${invitation}/dismiss` } },
  { rule: 'candidate', request: { method: 'POST', url: `/v1/invitations/${invitation}/accept` } },
  { rule: 'candidate', request: { method: 'POST', url: `/v1/invitations/${invitation}/decline` } },
];

beforeAll(async () => {
  t = await startTestApp('authorization', {
    AUTH_DISABLED: 'false',
    API_KEYS: `${READ_KEY}:read,${ADMIN_KEY}:admin`,
    RESEARCHER_TOKEN_SECRET: SECRET,
    RESEARCHER_TOKEN_ISSUER: ISSUER,
    RESEARCHER_TOKEN_AUDIENCE: AUDIENCE,
    DOCS_PUBLIC: 'false',
  });
  await t.container.services.papers.ingest(sample.slice(0, 60));
  await t.container.repositories.researchers.claim(candidate, 'account-c');
  await t.container.repositories.researchers.updateProfile(candidate, { openToCollaborate: true });
  const [created] = await t.container.repositories.invitations.createForPeriod(
    owner,
    '2026-W01',
    { max: 1, cap: 100 },
    [{ candidate, score: 0.5, evidence: null }],
  );
  invitation = created!;
  headersOf = {
    none: {},
    read: { 'x-api-key': READ_KEY },
    admin: { 'x-api-key': ADMIN_KEY },
    owner: { authorization: `Bearer ${await token(owner)}` },
    other: { authorization: `Bearer ${await token(other)}` },
    expired: { authorization: `Bearer ${await token(owner, { expiresIn: '-1m' })}` },
    badSignature: {
      authorization: `Bearer ${await token(owner, { secret: 'another-secret-of-at-least-32-chars' })}`,
    },
  };
});
afterAll(() => stopTestApp(t));

describe('who may do what', () => {
  it('every route × every credential answers as the rules say (401 without or with a bad credential, 403 with the wrong one)', async () => {
    const table = routes();
    const cells: string[] = [];
    for (const { rule, request } of table) {
      for (const credential of credentials) {
        const response = await t.app.inject({
          ...request,
          headers: { ...request.headers, ...headersOf[credential] },
        });
        const want = expected(rule, credential);
        const got = response.statusCode;
        const ok = want === ALLOWED ? got !== 401 && got !== 403 && got < 500 : got === want;
        if (!ok)
          cells.push(`${request.method ?? 'GET'} ${request.url} as ${credential}: ${got}, expected ${want}`);
        if (got === 401 || got === 403) {
          expect(response.json().error).toMatchObject({ code: got === 401 ? 'unauthorized' : 'forbidden' });
        }
      }
    }
    expect(cells).toEqual([]);
    expect(table.length * credentials.length).toBeGreaterThan(240);
  });

  it('when the candidate holds the token, then they may accept but not send; the recipient the other way round', async () => {
    await t.container.repositories.researchers.claim(other, 'account-o');
    await t.container.repositories.researchers.updateProfile(other, { openToCollaborate: true });
    const [invitationId] = await t.container.repositories.invitations.createForPeriod(
      owner,
      '2026-W02',
      { max: 1, cap: 100 },
      [{ candidate: other, score: 0.5, evidence: null }],
    );
    expect(invitationId).toBeDefined();
    const as = async (who: Credential, action: string) =>
      (
        await t.app.inject({
          method: 'POST',
          url: `/v1/invitations/${invitationId}/${action}`,
          headers: headersOf[who],
        })
      ).statusCode;
    expect(await as('other', 'send')).toBe(403);
    expect(await as('owner', 'send')).toBe(200);
    expect(await as('owner', 'accept')).toBe(403);
    expect(await as('other', 'accept')).toBe(200);
    const incoming = await t.app.inject({ url: `/v1/invitations/${invitationId}`, headers: headersOf.other });
    expect(incoming.json().status).toBe('accepted');
  });

  it('when docs are not public, then the OpenAPI document needs an admin key, and it declares the security of each route', async () => {
    expect((await t.app.inject({ url: '/docs/json' })).statusCode).toBe(401);
    const document = (await t.app.inject({ url: '/docs/json', headers: headersOf.admin })).json();
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['apiKey', 'researcherToken']);
    expect(document.paths['/v1/papers'].post.security).toEqual([{ apiKey: [] }]);
    expect(document.paths['/healthz'].get.security).toEqual([]);
    expect(document.paths['/v1/researchers/{id}/invitations'].get.security).toEqual([
      { apiKey: [] },
      { researcherToken: [] },
    ]);
  });
});

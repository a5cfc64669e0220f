import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collaboratorOptions, DEFAULT_DIVERSITY } from '../../src/recommend/collaborator-ranking.ts';
import { researchersByPaperCount } from '../helpers/digest-store.ts';
import { readSample, startTestApp, stopTestApp, type TestApp } from '../helpers/test-env.ts';

let t: TestApp;
const sample = readSample();
const recipient = researchersByPaperCount(sample)[0]!;

beforeAll(async () => {
  t = await startTestApp('suggestion-cache');
  await t.container.services.papers.store(sample);
  await t.container.paperIndex.catchUp();
});
afterAll(() => stopTestApp(t));

const defaultList = async () => {
  const response = await t.app.inject({ url: `/v1/researchers/${recipient}/collaborators` });
  expect(response.statusCode).toBe(200);
  return response.json() as { computedAt: string | null; items: { researcher: { id: string } }[] };
};

describe('precomputed suggestions and feedback', () => {
  it('when a researcher has dismissed a suggestion, then it is not served again from the cache', async () => {
    const [top] = await t.container.collaboratorRanking.rankResearcher(
      recipient,
      collaboratorOptions({ limit: 5, diversity: DEFAULT_DIVERSITY }),
    );
    const candidate = top!.id;
    await t.container.repositories.researchers.claim(candidate, `account-${candidate}`);
    await t.container.repositories.researchers.updateProfile(candidate, { openToCollaborate: true });
    const [invitationId] = await t.container.repositories.invitations.createForPeriod(
      recipient,
      '2026-W30',
      { max: 1, cap: 100 },
      [{ candidate, score: 0.9, evidence: null }],
    );
    await t.container.services.collaborators.refreshCached(recipient);
    const cached = await defaultList();
    expect(cached.computedAt).not.toBeNull();
    expect(cached.items.map((i) => i.researcher.id)).toContain(candidate);

    const dismissed = await t.app.inject({ method: 'POST', url: `/v1/invitations/${invitationId}/dismiss` });
    expect(dismissed.statusCode).toBe(200);
    const after = await defaultList();
    expect(after.items.map((i) => i.researcher.id)).not.toContain(candidate);
  });
});

describe('cached suggestions in the API process layout', () => {
  it('when the index thread is busy ranking, then a cached list is answered without waiting for it', async () => {
    const api = await startTestApp('suggestion-cache-threads', {}, { threads: true });
    try {
      await api.container.services.papers.store(sample);
      await api.container.services.papers.indexStats(); // the index thread has applied the writes
      await api.container.services.collaborators.refreshCached(recipient);
      const finished: string[] = [];
      const ask = async (name: string, url: string) => {
        const response = await api.app.inject({ url });
        expect(response.statusCode, url).toBe(200);
        finished.push(name);
      };
      // Uncached lists (other options) for many researchers queue up in the one index thread first.
      const others = researchersByPaperCount(sample).slice(1, 41);
      const uncached = others.map((id) => ask('uncached', `/v1/researchers/${id}/collaborators?diversity=0`));
      const cached = ask('cached', `/v1/researchers/${recipient}/collaborators`);
      await Promise.all([...uncached, cached]);
      expect(finished.indexOf('cached')).toBeLessThan(others.length / 2);
    } finally {
      await stopTestApp(api);
    }
  });
});

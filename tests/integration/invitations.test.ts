import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collaboratorOptions } from '../../src/recommend/collaborator-ranking.ts';
import { invitationId } from '../../src/storage/invitation-repository.ts';
import { readSample, startTestApp, stopTestApp, type TestApp } from '../helpers/test-env.ts';

let t: TestApp;
const sample = readSample();
const counts = new Map<string, number>();
for (const p of sample) for (const a of p.authors) counts.set(a.id, (counts.get(a.id) ?? 0) + 1);
const recipient = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
let candidates: string[] = [];
const PERIOD = '2026-W10';

type Invitation = { id: string; candidate: string; status: string; period: string; evidence: unknown };

async function inbox(id: string, query = ''): Promise<Invitation[]> {
  const response = await t.app.inject({ url: `/v1/researchers/${id}/invitations?limit=100&${query}` });
  expect(response.statusCode).toBe(200);
  return response.json().items;
}

const act = (id: string, action: string, payload?: object) =>
  t.app.inject({ method: 'POST', url: `/v1/invitations/${id}/${action}`, ...(payload ? { payload } : {}) });

beforeAll(async () => {
  t = await startTestApp('invitations', { INVITATIONS_PER_DIGEST: '3', INVITATION_COOLDOWN_DAYS: '90' });
  await t.container.services.papers.store(sample);
  await t.container.paperIndex.catchUp();
  // The people the recipient would be suggested, made invitable: claimed and open to collaborate.
  const ranked = await t.container.services.collaborators.rankResearcher(
    recipient,
    collaboratorOptions({ limit: 30, diversity: 0.3 }),
  );
  candidates = ranked.map((r) => r.id);
  for (const [i, id] of candidates.entries()) {
    // Every third one stays unclaimed: suggested by the API, never invited.
    if (i % 3 !== 2) await t.container.repositories.researchers.claim(id, `account-${id}`);
    await t.container.repositories.researchers.updateProfile(id, { openToCollaborate: true });
  }
});
afterAll(() => stopTestApp(t));

describe('consent', () => {
  it('when the recipient has not claimed their record, then the digest writes nothing', async () => {
    expect(await t.container.services.invitations.digest(recipient, PERIOD)).toEqual({
      created: [],
      skipped: 'recipient is not claimed',
    });
  });

  it('claims are exclusive to one account', async () => {
    const claim = (accountId: string) =>
      t.app.inject({ method: 'POST', url: `/v1/researchers/${recipient}/claim`, payload: { accountId } });
    expect((await claim('acct-1')).statusCode).toBe(200);
    expect((await claim('acct-1')).json()).toMatchObject({ claimed: true });
    expect((await claim('acct-2')).statusCode).toBe(409);
    const wrongUnclaim = await t.app.inject({
      method: 'DELETE',
      url: `/v1/researchers/${recipient}/claim?accountId=acct-2`,
    });
    expect(wrongUnclaim.statusCode).toBe(409);
  });

  it('only claimed researchers who are open to collaborate appear in invitations', async () => {
    const { created } = await t.container.services.invitations.digest(recipient, PERIOD);
    expect(created).toHaveLength(3);
    const items = await inbox(recipient);
    expect(items).toHaveLength(3);
    for (const item of items) {
      const record = await t.container.repositories.researchers.get(item.candidate);
      expect(record).toMatchObject({ claimed: true, openToCollaborate: true });
      expect(item.status).toBe('pending');
      expect(item.evidence).toBeTruthy();
    }
  });

  it('the API still suggests unclaimed authors, flagged as not invitable', async () => {
    const response = await t.app.inject({
      url: `/v1/researchers/${recipient}/collaborators?limit=30&diversity=0.3`,
    });
    const unclaimed = response
      .json()
      .items.filter((i: { researcher: { claimed: boolean } }) => !i.researcher.claimed);
    expect(unclaimed.length).toBeGreaterThan(0);
    for (const item of unclaimed)
      expect(item).toMatchObject({ canInvite: false, inviteHint: 'claim this author to unlock invitations' });
  });
});

describe('precomputed suggestions', () => {
  it('are served when fresh, and dropped when the data about the researcher changes', async () => {
    const url = `/v1/researchers/${recipient}/collaborators?limit=5`;
    expect((await t.app.inject({ url })).json().computedAt).toBeNull();
    const cached = await t.container.services.collaborators.refreshCached(recipient);
    const served = (await t.app.inject({ url })).json();
    expect(served.computedAt).toBe(cached!.computedAt);
    expect(served.items).toEqual(cached!.items.slice(0, 5));
    // Other options than the precomputed ones are computed for the request.
    expect((await t.app.inject({ url: `${url}&novelty=0.5` })).json().computedAt).toBeNull();
    await t.container.services.refresh.request([recipient], 'papers');
    expect((await t.app.inject({ url })).json().computedAt).toBeNull();
  });
});

describe('exactly once', () => {
  it('when the digest runs again for the same period, then nothing is added', async () => {
    const before = await inbox(recipient);
    expect((await t.container.services.invitations.digest(recipient, PERIOD)).created).toEqual([]);
    expect(await inbox(recipient)).toEqual(before);
  });

  it('when a digest was cut off half-way, then running it again writes only the missing ones', async () => {
    const period = '2026-W11';
    const fresh = candidates.filter((_, i) => i % 3 !== 2).slice(3, 4);
    const partial = await t.container.repositories.invitations.createForPeriod(recipient, period, 3, [
      { candidate: fresh[0]!, score: 1, evidence: {} },
    ]);
    expect(partial).toHaveLength(1);
    const { created } = await t.container.services.invitations.digest(recipient, period);
    expect(created).toHaveLength(2);
    const forPeriod = (await inbox(recipient)).filter((i) => i.period === period);
    expect(forPeriod).toHaveLength(3);
    expect(new Set(forPeriod.map((i) => i.candidate)).size).toBe(3);
  });

  it('never invites the same person twice across periods', async () => {
    await t.container.services.invitations.digest(recipient, '2026-W12');
    const all = await inbox(recipient);
    expect(new Set(all.map((i) => i.candidate)).size).toBe(all.length);
    expect(all.map((i) => i.id)).toEqual(all.map((i) => invitationId(recipient, i.candidate, i.period)));
  });
});

describe('inbox actions', () => {
  it('send gives the candidate an incoming invitation, which they can accept once', async () => {
    const [first] = (await inbox(recipient, 'status=pending')).filter((i) => i.period === PERIOD);
    expect((await act(first!.id, 'accept')).statusCode).toBe(409);
    const sent = await act(first!.id, 'send');
    expect(sent.json()).toMatchObject({ status: 'sent' });
    expect((await inbox(first!.candidate, 'box=incoming')).map((i) => i.id)).toEqual([first!.id]);
    expect((await act(first!.id, 'accept')).json()).toMatchObject({ status: 'accepted' });
    expect((await act(first!.id, 'accept')).statusCode).toBe(409);
    expect((await act(first!.id, 'dismiss')).statusCode).toBe(409);
    // An accepted pair is an edge now: they are co-authors for the ranking and no longer suggested.
    const suggestions = await t.app.inject({
      url: `/v1/researchers/${recipient}/collaborators?limit=50&diversity=0`,
    });
    expect(
      suggestions.json().items.map((i: { researcher: { id: string } }) => i.researcher.id),
    ).not.toContain(first!.candidate);
  });

  it('dismissed and declined people drop out of suggestions and digests', async () => {
    const pending = await inbox(recipient, 'status=pending');
    const [dismissed, other] = pending;
    expect((await act(dismissed!.id, 'dismiss')).json()).toMatchObject({ status: 'dismissed' });
    expect((await act(other!.id, 'send')).statusCode).toBe(200);
    expect((await act(other!.id, 'decline')).json()).toMatchObject({ status: 'declined' });
    const suggestions = await t.app.inject({
      url: `/v1/researchers/${recipient}/collaborators?limit=50&diversity=0`,
    });
    const ids = suggestions.json().items.map((i: { researcher: { id: string } }) => i.researcher.id);
    expect(ids).not.toContain(dismissed!.candidate);
    expect(ids).not.toContain(other!.candidate);
  });

  it('after the cooldown a dismissed person may be invited again; a blocked one never', async () => {
    const [item] = await inbox(recipient, 'status=pending');
    expect((await act(item!.id, 'dismiss')).statusCode).toBe(200);
    // Let the cooldown run out, as if 90 days had passed.
    await t.container.redis.hset(
      t.container.keys.feedback(recipient),
      item!.candidate,
      JSON.stringify({ kind: 'dismissed', until: Date.now() - 1 }),
    );
    const drafts = [{ candidate: item!.candidate, score: 1, evidence: {} }];
    expect(
      await t.container.repositories.invitations.createForPeriod(recipient, '2026-W30', 3, drafts),
    ).toHaveLength(1);
    const block = await t.app.inject({
      method: 'PUT',
      url: `/v1/researchers/${recipient}/blocked/${item!.candidate}`,
    });
    expect(block.json()).toEqual({ blocked: true });
    expect(
      await t.container.repositories.invitations.createForPeriod(recipient, '2026-W31', 3, drafts),
    ).toEqual([]);
    const suggestions = await t.app.inject({
      url: `/v1/researchers/${recipient}/collaborators?limit=50&diversity=0`,
    });
    expect(
      suggestions.json().items.map((i: { researcher: { id: string } }) => i.researcher.id),
    ).not.toContain(item!.candidate);
  });

  it('a snoozed invitation is hidden until its time, and cannot be snoozed into the past', async () => {
    const [item] = await inbox(recipient, 'status=pending');
    const until = new Date(Date.now() + 3_600_000).toISOString();
    expect((await act(item!.id, 'snooze', { until })).json()).toMatchObject({ status: 'snoozed' });
    expect((await inbox(recipient, 'status=pending')).map((i) => i.id)).not.toContain(item!.id);
    expect((await act(item!.id, 'snooze', { until: '2000-01-01T00:00:00Z' })).statusCode).toBe(400);
    expect((await act(item!.id, 'snooze')).statusCode).toBe(400);
  });

  it('when a candidate closes their profile, then pending invitations naming them are withdrawn', async () => {
    const [item] = await inbox(recipient, 'status=pending');
    const response = await t.app.inject({
      method: 'PATCH',
      url: `/v1/researchers/${item!.candidate}`,
      payload: { openToCollaborate: false },
    });
    expect(response.json()).toMatchObject({ openToCollaborate: false });
    const after = await t.app.inject({ url: `/v1/invitations/${item!.id}` });
    expect(after.json().status).toBe('withdrawn');
    expect((await act(item!.id, 'send')).statusCode).toBe(409);
  });

  it('follows and unfollows, with the count on the profile', async () => {
    const follow = (method: 'PUT' | 'DELETE', who: string) =>
      t.app.inject({ method, url: `/v1/researchers/${recipient}/followers/${who}` });
    const [fan1, fan2] = [sample[40]!.authors[0]!.id, sample[41]!.authors[0]!.id];
    await follow('PUT', fan1);
    await follow('PUT', fan1);
    expect((await follow('PUT', fan2)).json()).toEqual({ followers: 2 });
    expect((await follow('DELETE', fan1)).json()).toEqual({ followers: 1 });
    expect((await t.app.inject({ url: `/v1/researchers/${recipient}` })).json().counts.followers).toBe(1);
  });

  it('when a researcher follows themselves, then it is 422; an unknown follower is 404', async () => {
    const follow = (who: string) =>
      t.app.inject({ method: 'PUT', url: `/v1/researchers/${recipient}/followers/${who}` });
    const self = await follow(recipient);
    expect(self.statusCode).toBe(422);
    expect(self.json().error.code).toBe('unprocessable');
    const unknown = await follow('nobody-by-this-id');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({ code: 'not_found', details: { id: 'nobody-by-this-id' } });
  });

  it('answers bad input with 4xx', async () => {
    expect(
      (await t.app.inject({ url: `/v1/researchers/${recipient}/invitations?status=maybe` })).statusCode,
    ).toBe(400);
    expect((await t.app.inject({ url: '/v1/invitations/not-an-id' })).statusCode).toBe(400);
    expect((await t.app.inject({ url: `/v1/invitations/inv_${'0'.repeat(20)}` })).statusCode).toBe(404);
    expect((await act(`inv_${'0'.repeat(20)}`, 'send')).statusCode).toBe(404);
    expect((await act(`inv_${'0'.repeat(20)}`, 'explode')).statusCode).toBe(400);
    const patch = await t.app.inject({ method: 'PATCH', url: `/v1/researchers/${recipient}`, payload: {} });
    expect(patch.statusCode).toBe(400);
    const badClaim = await t.app.inject({
      method: 'POST',
      url: `/v1/researchers/${recipient}/claim`,
      payload: {},
    });
    expect(badClaim.statusCode).toBe(400);
    expect((await t.app.inject({ url: '/v1/jobs/nope' })).statusCode).toBe(404);
  });
});

describe('the invitation API as a new user meets it', () => {
  it('when send, dismiss, accept or decline get an empty body {}, then it is not about `until`', async () => {
    const [item] = await inbox(recipient, 'status=pending');
    const dismissed = await act(item!.id, 'dismiss', {});
    expect(dismissed.statusCode).toBe(200);
    expect(dismissed.json().status).toBe('dismissed');
    const again = await act(item!.id, 'send', {});
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).not.toContain('until');
  });

  it('inbox items carry the candidate’s name, ISO 8601 times, newest first, and the common page shape', async () => {
    const response = await t.app.inject({ url: `/v1/researchers/${recipient}/invitations?limit=100` });
    const { items, page } = response.json();
    expect(items.length).toBeGreaterThan(1);
    expect(page).toEqual({ limit: 100, offset: 0, total: items.length, nextOffset: null });
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
    for (const item of items) {
      expect(item.createdAt).toMatch(iso);
      expect(item.updatedAt).toMatch(iso);
      const record = await t.container.repositories.researchers.get(item.candidate);
      expect(item.candidateName).toBe(record!.name);
    }
    const created = items.map((i: { createdAt: string }) => Date.parse(i.createdAt));
    expect(created).toEqual([...created].sort((a, b) => b - a));
  });
});

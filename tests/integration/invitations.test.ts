import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collaboratorOptions, DEFAULT_DIVERSITY } from '../../src/recommend/collaborator-ranking.ts';
import { invitationId } from '../../src/storage/invitation-repository.ts';
import { researchersByPaperCount } from '../helpers/digest-store.ts';
import { readSample, startTestApp, stopTestApp, type TestApp } from '../helpers/test-env.ts';

/**
 * Every test makes its own recipient (a researcher of the sample nobody else's test uses), its own
 * period and its own inbox, so no test depends on what another one did.
 */
let t: TestApp;
const sample = readSample();
const pool = researchersByPaperCount(sample).slice(0, 60);
const used = new Set<string>();
let periods = 0;

type Invitation = {
  id: string;
  candidate: string;
  candidateName: string | null;
  status: string;
  period: string;
  evidence: unknown;
  createdAt: string;
  updatedAt: string;
};

async function inbox(id: string, query = ''): Promise<Invitation[]> {
  const response = await t.app.inject({ url: `/v1/researchers/${id}/invitations?limit=100&${query}` });
  expect(response.statusCode).toBe(200);
  return response.json().items;
}

const act = (id: string, action: string, payload?: object) =>
  t.app.inject({ method: 'POST', url: `/v1/invitations/${id}/${action}`, ...(payload ? { payload } : {}) });

const suggestedIds = async (recipient: string) =>
  (await t.app.inject({ url: `/v1/researchers/${recipient}/collaborators?limit=50&diversity=0` }))
    .json()
    .items.map((i: { researcher: { id: string } }) => i.researcher.id) as string[];

/** A period of its own for each use (ISO weeks of a past year). */
const newPeriod = () => `2020-W${String(++periods).padStart(2, '0')}`;

/** A researcher of the sample that no other test has used, claimed or not. */
async function newRecipient(options: { claimed: boolean }): Promise<string> {
  const id = pool.find((candidate) => !used.has(candidate))!;
  used.add(id);
  if (options.claimed) await t.container.repositories.researchers.claim(id, `account-${id}`);
  return id;
}

/** Makes people claimed and open to collaborate (and keeps them out of the recipient pool). */
async function makeInvitable(ids: string[]): Promise<void> {
  for (const id of ids) {
    used.add(id);
    await t.container.repositories.researchers.claim(id, `account-${id}`);
    await t.container.repositories.researchers.updateProfile(id, { openToCollaborate: true });
  }
}

/**
 * Writes invitations for a recipient in a period of their own, through the digest's script (with a
 * cap on candidates no test here reaches): returns the new ids.
 */
function writeInNewPeriod(
  recipient: string,
  drafts: { candidate: string; score: number; evidence: unknown }[],
  max = 3,
): Promise<string[]> {
  return t.container.repositories.invitations.createForPeriod(
    recipient,
    newPeriod(),
    { max, cap: 100 },
    drafts,
  );
}

/**
 * A claimed recipient whose top suggestions were made invitable and put in their inbox for a new
 * period: the people in it are people the ranking really suggests to them.
 */
async function inboxOfSuggestions(size = 3): Promise<{ recipient: string; items: Invitation[] }> {
  const recipient = await newRecipient({ claimed: true });
  const top = (
    await t.container.collaboratorRanking.rankResearcher(recipient, collaboratorOptions({ limit: 20 }))
  )
    .map((r) => r.id)
    .filter((id) => !used.has(id))
    .slice(0, size);
  await makeInvitable(top);
  const drafts = top.map((candidate) => ({ candidate, score: 0.5, evidence: { reason: 'test' } }));
  await writeInNewPeriod(recipient, drafts, size);
  const items = await inbox(recipient);
  expect(items).toHaveLength(size);
  return { recipient, items };
}

beforeAll(async () => {
  t = await startTestApp('invitations', { INVITATIONS_PER_DIGEST: '3', INVITATION_COOLDOWN_DAYS: '90' });
  await t.container.services.papers.store(sample);
  await t.container.paperIndex.catchUp();
});
afterAll(() => stopTestApp(t));

describe('consent', () => {
  it('when the recipient has not claimed their record, then the digest writes nothing', async () => {
    const recipient = await newRecipient({ claimed: false });
    expect(await t.container.services.invitations.digest(recipient, newPeriod())).toEqual({
      created: [],
      skipped: 'recipient is not claimed',
    });
  });

  it('when two accounts claim one record, then only the first holds it', async () => {
    const recipient = await newRecipient({ claimed: false });
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

  it('when the digest runs, then only claimed researchers who are open to collaborate are invited', async () => {
    const recipient = await newRecipient({ claimed: true });
    const ranked = await t.container.collaboratorRanking.rankResearcher(
      recipient,
      collaboratorOptions({ limit: 12, diversity: DEFAULT_DIVERSITY }),
    );
    // Of the people the digest would consider, every third is left unclaimed: never invited.
    const fresh = ranked.map((r) => r.id).filter((id) => !used.has(id));
    const invitable = fresh.filter((_, i) => i % 3 !== 2);
    await makeInvitable(invitable);
    const { created } = await t.container.services.invitations.digest(recipient, newPeriod());
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

  it('when a researcher is suggested but unclaimed, then the API flags them as not invitable', async () => {
    const recipient = await newRecipient({ claimed: false });
    const response = await t.app.inject({ url: `/v1/researchers/${recipient}/collaborators?limit=30` });
    const unclaimed = response
      .json()
      .items.filter((i: { researcher: { claimed: boolean } }) => !i.researcher.claimed);
    expect(unclaimed.length).toBeGreaterThan(0);
    for (const item of unclaimed)
      expect(item).toMatchObject({ canInvite: false, inviteHint: 'claim this author to unlock invitations' });
  });
});

describe('precomputed suggestions', () => {
  it('when fresh, they are served; when the data about the researcher changes, they are dropped', async () => {
    const recipient = await newRecipient({ claimed: false });
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
    const { recipient, items } = await inboxOfSuggestions(3);
    expect((await t.container.services.invitations.digest(recipient, items[0]!.period)).created).toEqual([]);
    expect(await inbox(recipient)).toEqual(items);
  });

  it('when a digest was cut off half-way, then running it again writes only the missing ones', async () => {
    const recipient = await newRecipient({ claimed: true });
    const ranked = await t.container.collaboratorRanking.rankResearcher(
      recipient,
      collaboratorOptions({ limit: 12, diversity: DEFAULT_DIVERSITY }),
    );
    const fresh = ranked.map((r) => r.id).filter((id) => !used.has(id));
    await makeInvitable(fresh);
    const period = newPeriod();
    const partial = await t.container.repositories.invitations.createForPeriod(
      recipient,
      period,
      { max: 3, cap: 100 },
      [{ candidate: fresh[5]!, score: 1, evidence: {} }],
    );
    expect(partial).toHaveLength(1);
    const { created } = await t.container.services.invitations.digest(recipient, period);
    expect(created).toHaveLength(2);
    const forPeriod = (await inbox(recipient)).filter((i) => i.period === period);
    expect(forPeriod).toHaveLength(3);
    expect(new Set(forPeriod.map((i) => i.candidate)).size).toBe(3);
  });

  it('when digests run in two periods, then nobody is invited twice and ids follow (recipient, candidate, period)', async () => {
    const { recipient } = await inboxOfSuggestions(3);
    const ranked = await t.container.collaboratorRanking.rankResearcher(
      recipient,
      collaboratorOptions({ limit: 12, diversity: DEFAULT_DIVERSITY }),
    );
    await makeInvitable(ranked.map((r) => r.id).filter((id) => !used.has(id)));
    await t.container.services.invitations.digest(recipient, newPeriod());
    const all = await inbox(recipient);
    expect(all.length).toBeGreaterThan(3);
    expect(new Set(all.map((i) => i.candidate)).size).toBe(all.length);
    expect(all.map((i) => i.id)).toEqual(all.map((i) => invitationId(recipient, i.candidate, i.period)));
  });
});

describe('inbox actions', () => {
  it('when sent, the candidate gets an incoming invitation which they can accept once; the pair then counts as an edge', async () => {
    const { recipient, items } = await inboxOfSuggestions(1);
    const [first] = items;
    expect(await suggestedIds(recipient)).toContain(first!.candidate);
    expect((await act(first!.id, 'accept')).statusCode).toBe(409);
    expect((await act(first!.id, 'send')).json()).toMatchObject({ status: 'sent' });
    expect((await inbox(first!.candidate, 'box=incoming')).map((i) => i.id)).toEqual([first!.id]);
    expect((await act(first!.id, 'accept')).json()).toMatchObject({ status: 'accepted' });
    expect((await act(first!.id, 'accept')).statusCode).toBe(409);
    expect((await act(first!.id, 'dismiss')).statusCode).toBe(409);
    // An accepted pair is an edge now: co-authors for the ranking, so no longer suggested.
    expect(await suggestedIds(recipient)).not.toContain(first!.candidate);
  });

  it('when dismissed or declined, people drop out of suggestions', async () => {
    const { recipient, items } = await inboxOfSuggestions(2);
    const [dismissed, declined] = items;
    const before = await suggestedIds(recipient);
    expect(before).toContain(dismissed!.candidate);
    expect(before).toContain(declined!.candidate);
    expect((await act(dismissed!.id, 'dismiss')).json()).toMatchObject({ status: 'dismissed' });
    expect((await act(declined!.id, 'send')).statusCode).toBe(200);
    expect((await act(declined!.id, 'decline')).json()).toMatchObject({ status: 'declined' });
    const after = await suggestedIds(recipient);
    expect(after).not.toContain(dismissed!.candidate);
    expect(after).not.toContain(declined!.candidate);
  });

  it('when the cooldown has run out, a dismissed person may be invited again; a blocked one never', async () => {
    const { recipient, items } = await inboxOfSuggestions(1);
    const [item] = items;
    expect((await act(item!.id, 'dismiss')).statusCode).toBe(200);
    // Let the cooldown run out, as if 90 days had passed.
    await t.container.redis.hset(
      t.container.keys.feedback(recipient),
      item!.candidate,
      JSON.stringify({ kind: 'dismissed', until: Date.now() - 1 }),
    );
    const drafts = [{ candidate: item!.candidate, score: 1, evidence: {} }];
    expect(await writeInNewPeriod(recipient, drafts)).toHaveLength(1);
    const block = await t.app.inject({
      method: 'PUT',
      url: `/v1/researchers/${recipient}/blocked/${item!.candidate}`,
    });
    expect(block.json()).toEqual({ blocked: true });
    expect(await writeInNewPeriod(recipient, drafts)).toEqual([]);
    expect(await suggestedIds(recipient)).not.toContain(item!.candidate);
  });

  it('when snoozed, an invitation is hidden until its time, and cannot be snoozed into the past', async () => {
    const { recipient, items } = await inboxOfSuggestions(1);
    const [item] = items;
    const until = new Date(Date.now() + 3_600_000).toISOString();
    expect((await act(item!.id, 'snooze', { until })).json()).toMatchObject({ status: 'snoozed' });
    expect((await inbox(recipient, 'status=pending')).map((i) => i.id)).not.toContain(item!.id);
    expect((await act(item!.id, 'snooze', { until: '2000-01-01T00:00:00Z' })).statusCode).toBe(400);
    expect((await act(item!.id, 'snooze')).statusCode).toBe(400);
  });

  it('when a candidate closes their profile, then pending invitations naming them are withdrawn', async () => {
    const { items } = await inboxOfSuggestions(1);
    const [item] = items;
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

  it('when a researcher pauses incoming invitations over the API, then the profile shows it, stays open, and no digest names them', async () => {
    const { items } = await inboxOfSuggestions(1);
    const candidate = items[0]!.candidate;
    const patch = (payload: object) =>
      t.app.inject({ method: 'PATCH', url: `/v1/researchers/${candidate}`, payload });
    expect((await patch({ invitationsPerPeriod: 0 })).json()).toMatchObject({
      openToCollaborate: true,
      invitationsPerPeriod: 0,
    });
    expect((await t.app.inject({ url: `/v1/researchers/${candidate}` })).json().invitationsPerPeriod).toBe(0);
    const recipient = await newRecipient({ claimed: true });
    const drafts = [{ candidate, score: 0.9, evidence: null }];
    expect(await writeInNewPeriod(recipient, drafts)).toEqual([]);
    for (const bad of [-1, 1.5, '3', 1001]) {
      const response = await patch({ invitationsPerPeriod: bad });
      expect(response.statusCode, String(bad)).toBe(400);
      expect(response.json().error.code).toBe('invalid_request');
    }
    expect((await patch({ invitationsPerPeriod: null })).json().invitationsPerPeriod).toBeNull();
    expect(await writeInNewPeriod(recipient, drafts)).toHaveLength(1);
  });

  it('when people follow and unfollow, then the count on the profile follows', async () => {
    const recipient = await newRecipient({ claimed: false });
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
    const recipient = await newRecipient({ claimed: false });
    const follow = (who: string) =>
      t.app.inject({ method: 'PUT', url: `/v1/researchers/${recipient}/followers/${who}` });
    const self = await follow(recipient);
    expect(self.statusCode).toBe(422);
    expect(self.json().error.code).toBe('unprocessable');
    const unknown = await follow('nobody-by-this-id');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatchObject({ code: 'not_found', details: { id: 'nobody-by-this-id' } });
  });

  it('when input is bad, then the answer is the matching 4xx', async () => {
    const recipient = await newRecipient({ claimed: false });
    const noInvitation = `inv_${'0'.repeat(20)}`;
    const status = async (request: InjectOptions) => (await t.app.inject(request)).statusCode;
    expect(await status({ url: `/v1/researchers/${recipient}/invitations?status=maybe` })).toBe(400);
    expect(await status({ url: '/v1/invitations/not-an-id' })).toBe(400);
    expect(await status({ url: `/v1/invitations/${noInvitation}` })).toBe(404);
    expect((await act(noInvitation, 'send')).statusCode).toBe(404);
    expect((await act(noInvitation, 'explode')).statusCode).toBe(400);
    expect(await status({ method: 'PATCH', url: `/v1/researchers/${recipient}`, payload: {} })).toBe(400);
    expect(await status({ method: 'POST', url: `/v1/researchers/${recipient}/claim`, payload: {} })).toBe(
      400,
    );
    expect(await status({ url: '/v1/jobs/nope' })).toBe(404);
  });
});

describe('the invitation API as a new user meets it', () => {
  it('when send, dismiss, accept or decline get an empty body {}, then it is not about `until`', async () => {
    const { items } = await inboxOfSuggestions(1);
    const [item] = items;
    const dismissed = await act(item!.id, 'dismiss', {});
    expect(dismissed.statusCode).toBe(200);
    expect(dismissed.json().status).toBe('dismissed');
    const again = await act(item!.id, 'send', {});
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).not.toContain('until');
  });

  it('inbox items carry the candidate’s name, ISO 8601 times, newest first, and the common page shape', async () => {
    const { recipient, items: first } = await inboxOfSuggestions(2);
    // One more invitation, a moment later, in another period.
    const ranked = await t.container.collaboratorRanking.rankResearcher(
      recipient,
      collaboratorOptions({ limit: 20 }),
    );
    const later = ranked
      .map((r) => r.id)
      .find((id) => !first.some((i) => i.candidate === id) && !used.has(id))!;
    await makeInvitable([later]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const drafts = [{ candidate: later, score: 0.5, evidence: {} }];
    expect(await writeInNewPeriod(recipient, drafts, 1)).toHaveLength(1);
    const response = await t.app.inject({ url: `/v1/researchers/${recipient}/invitations?limit=100` });
    const { items, page } = response.json() as { items: Invitation[]; page: unknown };
    expect(items).toHaveLength(3);
    expect(items[0]!.candidate).toBe(later);
    expect(page).toEqual({ limit: 100, offset: 0, total: items.length, nextOffset: null });
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
    const records = await t.container.repositories.researchers.getMany(items.map((i) => i.candidate));
    expect(items.map((i) => i.candidateName)).toEqual(records.map((r) => r!.name));
    expect(items.every((i) => iso.test(i.createdAt) && iso.test(i.updatedAt))).toBe(true);
    const created = items.map((i) => Date.parse(i.createdAt));
    expect(created).toEqual([...created].sort((a, b) => b - a));
  });
});

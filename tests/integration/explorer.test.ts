/// <reference lib="dom" />
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintResearcherToken } from '../../scripts/lib/researcher-token.ts';
import { loadSeedsIfEmpty } from '../../src/importing/seed-loader.ts';
import { launchChromium, screenshotPath } from '../helpers/browser.ts';
import { researchersByPaperCount } from '../helpers/digest-store.ts';
import { readSample, startTestApp, stopTestApp, type TestApp } from '../helpers/test-env.ts';

/**
 * The explorer in Debian's Chromium against a real API on loopback, with the seeds and the committed
 * 500-paper fixture loaded: what a user does on the page, checked against what the API answers.
 */
const API_KEY = 'explorer-test-admin-key-0123456789';
const SECRET = 'explorer-test-researcher-token-secret-0123456789';
const sample = readSample();
const admin = { 'x-api-key': API_KEY };

type Suggestion = {
  researcher: { id: string; name: string };
  evidence: {
    mutualCoauthors: { id: string; name: string }[];
    closestPapers: { mine: { title: string } | null; theirs: { title: string } } | null;
  };
};

let t: TestApp;
let base = '';
let browser: Browser;
let page: Page;
const requested: string[] = [];
const pageErrors: string[] = [];

async function suggestionsOf(id: string, query = ''): Promise<Suggestion[]> {
  const response = await t.app.inject({
    url: `/v1/researchers/${id}/collaborators?limit=20${query}`,
    headers: admin,
  });
  expect(response.statusCode).toBe(200);
  return response.json().items;
}

/**
 * A researcher of the fixture whose first suggestion has mutual co-authors and a pair of papers, and
 * whose list changes with novelty: the page must show all three.
 */
async function researcherToExplore(): Promise<{ id: string; name: string; first: Suggestion }> {
  for (const id of researchersByPaperCount(sample).slice(0, 40)) {
    const plain = await suggestionsOf(id);
    const first = plain[0];
    if (!first || first.evidence.mutualCoauthors.length === 0 || !first.evidence.closestPapers) continue;
    const novel = await suggestionsOf(id, '&novelty=1');
    if (novel.map((s) => s.researcher.id).join() === plain.map((s) => s.researcher.id).join()) continue;
    const profile = (await t.app.inject({ url: `/v1/researchers/${id}`, headers: admin })).json();
    return { id, name: profile.name, first };
  }
  throw new Error('no researcher of the fixture has a suggestion with mutual co-authors');
}

async function signIn(credentials: { apiKey?: string; token?: string }): Promise<void> {
  await page.goto(`${base}/#/sign-in`);
  await page.getByLabel('Platform API key').fill(credentials.apiKey ?? '');
  await page.getByLabel('Researcher token (optional)').fill(credentials.token ?? '');
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const shownSuggestionIds = () =>
  page
    .locator('[data-testid=suggestion-list] > li')
    .evaluateAll((items) => items.map((li) => li.getAttribute('data-researcher')));

beforeAll(async () => {
  t = await startTestApp('explorer', {
    AUTH_DISABLED: 'false',
    API_KEYS: `${API_KEY}:admin+read`,
    RESEARCHER_TOKEN_SECRET: SECRET,
  });
  const { container } = t;
  await loadSeedsIfEmpty('seeds', {
    papersService: container.services.papers,
    papers: container.repositories.papers,
    researchers: container.repositories.researchers,
  });
  await container.services.papers.store(sample);
  await container.paperIndex.catchUp();
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('request', (request) => requested.push(request.url()));
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

afterAll(async () => {
  await browser?.close();
  await stopTestApp(t);
});

describe('the explorer in a browser', () => {
  it('is served at / with revalidation for the page and year-long caching for hashed assets', async () => {
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    const asset = (await index.text()).match(/\/assets\/[^"]+\.js/)![0];
    const script = await fetch(`${base}${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const missing = await fetch(`${base}/assets/nothing-here.js`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('route_not_found');
  });

  it('when the key is refused, then the page says so and offers to sign in again', async () => {
    await signIn({ apiKey: 'not-a-key-of-this-server' });
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Sign-in needed');
    expect(await alert.getAttribute('data-status')).toBe('401');
  });

  it('finds a researcher by typing part of the name and opens the page from the keyboard', async () => {
    const explored = await researcherToExplore();
    await signIn({ apiKey: API_KEY });
    const search = page.getByRole('combobox', { name: 'Search researchers by name' });
    await search.fill(explored.name.slice(0, Math.max(4, explored.name.indexOf(' ') + 3)));
    const option = page.getByRole('option', { name: explored.name });
    await option.first().waitFor();
    // Down the list (at most its 8 options) until the researcher is the selected option.
    const selected = () => page.getByRole('option', { selected: true }).textContent();
    for (let presses = 0; presses < 8 && !(await selected())?.startsWith(explored.name); presses++) {
      await search.press('ArrowDown');
    }
    await search.press('Enter');
    await expect.poll(() => page.locator('#researcher-name').textContent()).toBe(explored.name);
    await page.getByRole('heading', { name: 'Works' }).waitFor();
    await page.locator('.paper-item').first().waitFor();
    await page.screenshot({ path: screenshotPath('explorer-researcher.png'), fullPage: true });

    // From a laptop down to a phone: nothing runs off the side.
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 900 });

    // Suggestions: the first one's evidence shows its mutual co-authors and the closest pair of papers.
    await page.getByRole('link', { name: 'Suggested collaborators' }).click();
    const evidence = page.getByTestId('evidence').first();
    await evidence.waitFor();
    const mutual = await evidence.getByTestId('mutual-coauthors').getByRole('link').allTextContents();
    expect(mutual).toEqual(explored.first.evidence.mutualCoauthors.map((m) => m.name));
    const pair = await evidence.getByTestId('paper-pair').textContent();
    expect(pair).toContain(explored.first.evidence.closestPapers!.theirs.title);
    expect(pair).toContain(explored.first.evidence.closestPapers!.mine!.title);
    await page.screenshot({ path: screenshotPath('explorer-suggestions.png') });
    const before = await shownSuggestionIds();
    expect(before).toEqual((await suggestionsOf(explored.id)).map((s) => s.researcher.id));

    // Moving the novelty slider (End: all the way, from the keyboard) re-ranks the list in place.
    await page.locator('#novelty-slider').press('End');
    const novel = (await suggestionsOf(explored.id, '&novelty=1')).map((s) => s.researcher.id);
    await expect.poll(shownSuggestionIds, { timeout: 15_000 }).toEqual(novel);
    expect(novel).not.toEqual(before);
  });

  it('draws the research graph, and clicking a person in it opens their page', async () => {
    await page.getByRole('link', { name: 'Research graph' }).click();
    await page.waitForFunction(() => {
      const element = document.querySelector('[data-testid=graph-canvas]') as {
        _cyreg?: { cy?: unknown };
      } | null;
      return Boolean(element?._cyreg?.cy);
    });
    await page.screenshot({ path: screenshotPath('explorer-graph.png') });
    const target = await page.evaluate(() => {
      type Node = { id(): string; renderedPosition(): { x: number; y: number } };
      const element = document.querySelector('[data-testid=graph-canvas]') as unknown as {
        _cyreg: { cy: { nodes(selector: string): Node[] } };
      };
      const node = element._cyreg.cy.nodes('[type = "researcher"][focus = 0]')[0]!;
      return { id: node.id().slice('researcher:'.length), ...node.renderedPosition() };
    });
    const box = (await page.getByTestId('graph-canvas').boundingBox())!;
    await page.mouse.click(box.x + target.x, box.y + target.y);
    await expect
      .poll(() => decodeURIComponent(new URL(page.url()).hash))
      .toBe(`#/researcher/${target.id}/graph`);
    const profile = (await t.app.inject({ url: `/v1/researchers/${target.id}`, headers: admin })).json();
    await expect.poll(() => page.locator('#researcher-name').textContent()).toBe(profile.name);
  });

  it('finds similar papers for a pasted abstract, the paper itself first', async () => {
    const pasted = sample[7]!;
    await page.getByRole('link', { name: 'Similar papers' }).click();
    await page.getByLabel('Paste an abstract, a title or a few sentences').fill(pasted.abstract);
    await page.getByRole('button', { name: 'Find similar papers' }).click();
    const first = page.getByTestId('similar-results').locator('.paper-title').first();
    await first.waitFor();
    expect(await first.textContent()).toBe(pasted.title);
    expect(await page.getByTestId('similar-results').locator('.paper-item').count()).toBe(20);
  });

  it('with researcher tokens, a sent invitation moves to Sent, and its candidate accepts it', async () => {
    const explored = researchersByPaperCount(sample)[1]!;
    const candidates = (await suggestionsOf(explored)).slice(0, 3).map((s) => s.researcher.id);
    const { researchers, invitations } = t.container.repositories;
    await researchers.claim(explored, `account-${explored}`);
    for (const id of candidates) {
      await researchers.claim(id, `account-${id}`);
      await researchers.updateProfile(id, { openToCollaborate: true });
    }
    const drafts = candidates.map((candidate) => ({ candidate, score: 0.5, evidence: { sharedTopics: [] } }));
    const ids = await invitations.createForPeriod(explored, '2020-W01', { max: 3, cap: 100 }, drafts);
    expect(ids).toHaveLength(3);

    const token = await mintResearcherToken(t.config.auth.researcherTokens!, explored, '10m');
    await signIn({ apiKey: API_KEY, token });
    const pending = page.locator('.invitation-group[data-status=pending] .invitation');
    await expect.poll(() => pending.count()).toBe(3);
    const chosen = await pending.first().getAttribute('data-invitation');
    await pending.first().getByRole('button', { name: 'Send' }).click();
    await page.locator(`.invitation-group[data-status=sent] [data-invitation="${chosen}"]`).waitFor();
    expect(await pending.count()).toBe(2);
    const stored = await t.app.inject({ url: `/v1/invitations/${chosen}`, headers: admin });
    expect(stored.json().status).toBe('sent');

    // The candidate, signed in with their own token, finds it among invitations to them and accepts.
    const candidate = stored.json().candidate as string;
    await signIn({
      apiKey: API_KEY,
      token: await mintResearcherToken(t.config.auth.researcherTokens!, candidate),
    });
    const incoming = page.locator(`[aria-labelledby=incoming-title] [data-invitation="${chosen}"]`);
    await incoming.getByRole('button', { name: 'Accept' }).click();
    await page.locator(`.invitation-group[data-status=accepted] [data-invitation="${chosen}"]`).waitFor();
    const answered = await t.app.inject({ url: `/v1/invitations/${chosen}`, headers: admin });
    expect(answered.json().status).toBe('accepted');
  });

  it('made no request anywhere but this server, and threw no error', () => {
    const elsewhere = requested.filter((url) => !url.startsWith(`${base}/`) && !url.startsWith('data:'));
    expect(elsewhere).toEqual([]);
    expect(requested.length).toBeGreaterThan(10);
    expect(pageErrors).toEqual([]);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { collaborationQueries } from '../../src/evaluation/ground-truth.ts';
import { runEvaluation } from '../../src/evaluation/harness.ts';
import { ndcgAt, recallAt, reciprocalRank } from '../../src/evaluation/metrics.ts';
import { createLogger } from '../../src/logger.ts';
import { cleanUp, testEnvironment } from '../helpers/test-env.ts';

const TINY = path.resolve(import.meta.dirname, '../fixtures/tiny-eval.jsonl');
const env = testEnvironment('evaluation');
afterAll(() => cleanUp(loadConfig(env)));

describe('evaluation metrics', () => {
  it('computes recall, reciprocal rank and nDCG by hand-checked values', () => {
    const relevant = new Set(['b', 'd']);
    const ranked = ['a', 'b', 'c', 'd'];
    expect(recallAt(ranked, relevant, 2)).toBe(0.5);
    expect(recallAt(ranked, relevant, 10)).toBe(1);
    expect(reciprocalRank(ranked, relevant)).toBe(0.5);
    const dcg = 1 / Math.log2(3) + 1 / Math.log2(5);
    const ideal = 1 + 1 / Math.log2(3);
    expect(ndcgAt(ranked, relevant, 10)).toBeCloseTo(dcg / ideal, 10);
    expect(reciprocalRank(['x'], relevant)).toBe(0);
  });

  it('finds the query authors of a time split', () => {
    const paper = (id: string, authors: string[]) => ({
      id,
      authors: authors.map((a) => ({ id: a, name: a })),
    });
    const train = [
      paper('1', ['q', 'a']),
      paper('2', ['q', 'b']),
      paper('3', ['c', 'a']),
      paper('4', ['c', 'z']),
    ];
    const test = [paper('5', ['q', 'c']), paper('6', ['q', 'newcomer']), paper('7', ['a', 'q'])];
    const queries = collaborationQueries(train, test);
    // q: new co-author c (newcomer has no earlier paper; a is an old co-author); c: new co-author q.
    expect(queries.map((q) => [q.researcher, [...q.newCoauthors]])).toEqual([
      ['c', ['q']],
      ['q', ['c']],
    ]);
    expect([...queries[1]!.futurePapers].sort()).toEqual(['5', '6', '7']);
  });
});

describe('the evaluation harness on a tiny file whose answer is known', () => {
  it('scores the graph baselines perfectly where the only 2-hop candidate is the new co-author', async () => {
    const report = await runEvaluation(
      { data: TINY, splitYear: 2021, ks: [10, 20], seed: 'test', env, keyPrefix: `${env.KEY_PREFIX}-eval` },
      createLogger('warn'),
    );
    await cleanUp(loadConfig({ ...env, KEY_PREFIX: `${env.KEY_PREFIX}-eval` }));
    expect(report.data).toMatchObject({
      trainPapers: 6,
      testPapers: 2,
      rejectedLines: 1,
      trainResearchers: 6,
    });
    expect(report.queries).toMatchObject({ eligible: 2, evaluated: 2, relatedPapers: 2 });
    for (const method of ['common-neighbours', 'adamic-adar', 'peerscout-hybrid', 'peerscout-default']) {
      expect(report.collaborators[method]).toEqual({ 'recall@10': 1, 'recall@20': 1, mrr: 1, 'ndcg@10': 1 });
    }
    // On topic, the parsing researchers are nearest to each other: the new co-author comes first.
    expect(report.collaborators['topic-only']!.mrr).toBe(1);
    // Only three people are not the query or its co-authors: a random list of them holds the answer.
    expect(report.collaborators.random!['recall@10']).toBe(1);
    expect(report.relatedPapers['peerscout-related']!['recall@20']).toBe(1);
    expect(report.relatedPapers['topic-only-centroid']!['recall@20']).toBe(1);
    // Every new co-author is a candidate; every diversity setting finds them; segments say where they were.
    expect(report.candidateRecall.share).toBe(1);
    expect(report.diversity.map((row) => row.diversity)).toContain(0);
    for (const row of report.diversity) {
      expect(row['recall@10']).toBe(1);
      expect(row.coauthorGroupsInTop10).toBeGreaterThanOrEqual(1);
      expect(row.withinTwoHopsShare).toBeGreaterThan(0);
    }
    // Two lists cannot reach any exposure cap: every row keeps the plain lists' recall.
    expect(report.exposure.map((row) => [row.cap, row['recall@10']])).toEqual([
      [null, 1],
      [50, 1],
      [20, 1],
      [10, 1],
      [5, 1],
    ]);
    expect(report.exposure[0]!.maxExposure).toBeLessThanOrEqual(2);
    expect(report.segments.twoHops).toMatchObject({ queries: 2, 'adamic-adar': 1, 'peerscout-default': 1 });
    expect(report.ratios.defaultRecall10OverBestBaseline).toBe(1);
    // Topics of the query authors are phrases of their papers, never one generic word.
    expect(report.topics.researchers).toBe(2);
    expect(report.topics.singleGenericWordShare).toBe(0);
    for (const topics of Object.values(report.topics.examples)) expect(topics.length).toBeGreaterThan(0);
    expect(report.citations).toEqual({
      papersWithReferences: 0,
      citationEdges: 0,
      note: 'no references in this data',
    });
  });

  it('reports what citations add to the default list when the file has references', async () => {
    const lines = fs.readFileSync(TINY, 'utf8').split('\n');
    // The parsing papers of 2020 cite the first one; an unknown DOI waits for a paper that never comes.
    const withReferences = lines.map((line) => {
      if (!/"id": "t[234]"/.test(line)) return line;
      return JSON.stringify({ ...JSON.parse(line), references: ['t1', { doi: '10.9999/not-stored' }] });
    });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tiny-references-')), 'tiny.jsonl');
    fs.writeFileSync(file, withReferences.join('\n'));
    const prefix = `${env.KEY_PREFIX}-eval-references`;
    const report = await runEvaluation(
      { data: file, splitYear: 2021, ks: [10, 20], seed: 'test', env, keyPrefix: prefix },
      createLogger('warn'),
    );
    await cleanUp(loadConfig({ ...env, KEY_PREFIX: prefix }));
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    expect(report.citations).toMatchObject({ papersWithReferences: 3, citationEdges: 3 });
    expect(report.citations.defaultRecall10).toBe(1);
    expect(report.citations.defaultRecall10WithoutCitations).toBe(1);
  });
});

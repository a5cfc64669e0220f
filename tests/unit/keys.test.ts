import { describe, expect, it } from 'vitest';
import { CHANGE_PARTITIONS, createKeys, partitionOf } from '../../src/storage/keys.ts';

/** The part of a key Redis Cluster hashes: the first {…} with something inside, else the whole key. */
function hashtag(key: string): string {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key;
}

/** Redis glob matching for the patterns keys.ts gives (only `*` is special in them). */
function matches(pattern: string, key: string): boolean {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`).test(key);
}

describe('Redis key builders', () => {
  const keys = createKeys('ps');
  const all = [
    keys.paper('P1'),
    keys.paperLease('P1'),
    keys.cites('P1'),
    keys.citedBy('P1'),
    keys.papers(),
    keys.researcher('r'),
    keys.researchers(),
    keys.researcherPapers('r'),
    keys.affiliations('r'),
    keys.followers('r'),
    keys.topics('r'),
    keys.suggestionsCache('r'),
    keys.researcherNames(),
    keys.referencers('d:10.1/x'),
    keys.paperChanges(3),
    keys.pendingPapers(3),
    keys.collaborationChanges(),
    keys.termDocumentFrequency(),
    keys.termsCounted(),
    keys.rankerModels(),
    keys.inbox('r'),
    keys.invitation('inv_1'),
    keys.epoch(),
  ];

  it('name every key differently, and every one matches the prefix scan patterns', () => {
    expect(new Set(all).size).toBe(all.length);
    for (const key of all) expect(keys.patterns.some((pattern) => matches(pattern, key))).toBe(true);
  });

  it('do not let a prefix scan reach another prefix, even one that starts the same', () => {
    const other = createKeys('ps2');
    const theirs = [other.paper('P1'), other.researcher('r'), other.papers(), other.paperChanges(0)];
    for (const key of theirs) expect(keys.patterns.some((pattern) => matches(pattern, key))).toBe(false);
  });

  it('keep a paper with its citations and lease, and a researcher with their own sets, in one slot', () => {
    const paperTags = [keys.paper('P1'), keys.paperLease('P1'), keys.cites('P1'), keys.citedBy('P1')].map(
      hashtag,
    );
    expect(new Set(paperTags).size).toBe(1);
    const researcherTags = [
      keys.researcher('r'),
      keys.researcherPapers('r'),
      keys.affiliations('r'),
      keys.followers('r'),
      keys.topics('r'),
      keys.suggestionsCache('r'),
    ].map(hashtag);
    expect(new Set(researcherTags).size).toBe(1);
    expect(keys.paperChanges(3).startsWith(`{ps:c:3}`)).toBe(true);
    expect(hashtag(keys.pendingPapers(3))).toBe(hashtag(keys.paperChanges(3)));
  });

  it('spread papers and researchers by their own ids, and keep the invitation keys in the catalogue slot', () => {
    expect(hashtag(keys.paper('P1'))).not.toBe(hashtag(keys.paper('P2')));
    expect(hashtag(keys.researcher('a'))).not.toBe(hashtag(keys.researcher('b')));
    const catalogue = [keys.papers(), keys.inbox('a'), keys.invitation('x'), keys.collaborationChanges()];
    expect(new Set(catalogue.map(hashtag))).toEqual(new Set(['ps']));
  });

  it('give each paper id one stable partition, and use every partition', () => {
    expect(partitionOf('P1')).toBe(partitionOf('P1'));
    const used = new Set(Array.from({ length: 1000 }, (_, i) => partitionOf(`2020.acl-main.${i}`)));
    expect([...used].every((p) => p >= 0 && p < CHANGE_PARTITIONS)).toBe(true);
    expect(used.size).toBe(CHANGE_PARTITIONS);
  });
});

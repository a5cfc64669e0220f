import type { Paper } from '../domain/paper.ts';

export type CollaborationQuery = {
  researcher: string;
  /** Co-authors first met at or after the split who also wrote before it. */
  newCoauthors: Set<string>;
  /** The researcher's own papers from the split on. */
  futurePapers: Set<string>;
};

function coauthorPairs(papers: Iterable<Pick<Paper, 'authors'>>): Map<string, Set<string>> {
  const neighbours = new Map<string, Set<string>>();
  for (const paper of papers) {
    for (const a of paper.authors) {
      let set = neighbours.get(a.id);
      if (!set) {
        set = new Set();
        neighbours.set(a.id, set);
      }
      for (const b of paper.authors) if (b.id !== a.id) set.add(b.id);
    }
  }
  return neighbours;
}

/**
 * The time-split queries: authors with at least `minTrainPapers` papers before the split and at least
 * one new co-author after it who also has papers before it (so the ranking could know them).
 */
export function collaborationQueries(
  train: Pick<Paper, 'id' | 'authors'>[],
  test: Pick<Paper, 'id' | 'authors'>[],
  minTrainPapers = 2,
): CollaborationQuery[] {
  const trainPaperCount = new Map<string, number>();
  for (const paper of train)
    for (const a of paper.authors) trainPaperCount.set(a.id, (trainPaperCount.get(a.id) ?? 0) + 1);
  const trainNeighbours = coauthorPairs(train);
  const testNeighbours = coauthorPairs(test);
  const futurePapers = new Map<string, Set<string>>();
  for (const paper of test) {
    for (const a of paper.authors) {
      let set = futurePapers.get(a.id);
      if (!set) {
        set = new Set();
        futurePapers.set(a.id, set);
      }
      set.add(paper.id);
    }
  }
  const queries: CollaborationQuery[] = [];
  for (const [researcher, count] of trainPaperCount) {
    if (count < minTrainPapers) continue;
    const known = trainNeighbours.get(researcher) ?? new Set();
    const fresh = new Set(
      [...(testNeighbours.get(researcher) ?? [])].filter(
        (other) => !known.has(other) && trainPaperCount.has(other),
      ),
    );
    if (fresh.size === 0) continue;
    queries.push({
      researcher,
      newCoauthors: fresh,
      futurePapers: futurePapers.get(researcher) ?? new Set(),
    });
  }
  return queries.sort((a, b) => a.researcher.localeCompare(b.researcher));
}

import type { PaperWithTerms } from '../domain/paper.ts';
import { roundScore } from '../domain/score.ts';
import { sharedCoauthorTie } from '../graph/proximity.ts';
import { byId, type ResearchGraph } from '../graph/research-graph.ts';
import type { RankingQuery } from './candidates.ts';
import { citationSentences } from './citation-links.ts';
import type { RankedCollaborator } from './collaborator-ranking.ts';
import type { RankerModel } from './ranker.ts';
import { sharedTopicPhrases, termCounts } from './terms.ts';

const TOPIC_PHRASES = 5;
const MUTUAL_COAUTHORS_SHOWN = 3;
/** Each side's newest papers whose words make the shared topics. */
const PAPERS_FOR_PHRASES = 15;

export type PaperRef = { id: string; title: string; year: number };

/** A candidate's record, as the evidence shows it. */
export type CandidateRecord = {
  id: string;
  name: string;
  affiliations: string[];
  claimed: boolean;
  openToCollaborate: boolean;
};

export type CollaboratorSuggestion = {
  researcher: CandidateRecord;
  score: number;
  scoreParts: Record<string, number>;
  features: Record<string, number>;
  evidence: {
    sharedTopics: string[];
    mutualCoauthors: { id: string; name: string }[];
    closestPapers: { mine: PaperRef | null; theirs: PaperRef; similarity: number } | null;
    graphDistance: number | null;
    /** Citations between the two, in words ("cites 3 of your papers", "you share 12 references"). */
    citations: string[];
    sources: string[];
  };
  canInvite: boolean;
  inviteHint: string | null;
};

export type RankingMethod =
  | {
      kind: 'learned';
      version: string;
      featureSet: string;
      trainedAt: string;
      training: RankerModel['training'];
    }
  | { kind: 'classic-order'; order: string; reason: string };

export type SuggestionResult = {
  items: CollaboratorSuggestion[];
  method: RankingMethod;
  computedAt?: string;
};

/** What the evidence needs from the store, worked out from the ranking and the graph alone. */
export type ExplanationPlan = {
  theirPaperIds: string[][];
  mutualByCandidate: string[][];
  paperIds: string[];
  mutualIds: string[];
};

export function planExplanations(
  query: RankingQuery,
  ranked: RankedCollaborator[],
  graph: ResearchGraph,
): ExplanationPlan {
  const theirPaperIds = ranked.map((r) => graph.papersNewestFirst(r.id).slice(0, PAPERS_FOR_PHRASES));
  const paperIds = new Set<string>([...query.paperIds.slice(0, PAPERS_FOR_PHRASES), ...theirPaperIds.flat()]);
  for (const r of ranked) if (r.closestPair) paperIds.add(r.closestPair.mine);
  const mine = query.researcher ? graph.neighbours(query.researcher) : null;
  const mutualByCandidate = ranked.map((r) => {
    if (!mine) return [];
    // The shared co-authors who tie the pair closest first: strong ties on both sides (joint papers in
    // small teams, lately) to someone with few co-authors, the order `tieStrengthAdamicAdar` sums.
    const paths = [...graph.neighbours(r.id)].flatMap(([z, theirs]) => {
      const ours = mine.get(z);
      if (!ours) return [];
      return [{ z, strength: sharedCoauthorTie(graph, z, ours, theirs) }];
    });
    return paths
      .sort((a, b) => b.strength - a.strength || byId(a.z, b.z))
      .slice(0, MUTUAL_COAUTHORS_SHOWN)
      .map((path) => path.z);
  });
  return {
    theirPaperIds,
    mutualByCandidate,
    paperIds: [...paperIds],
    mutualIds: [...new Set(mutualByCandidate.flat())],
  };
}

/** The terms whose document frequencies the shared topics need: those both sides use. */
export function sharedTerms(
  query: RankingQuery,
  plan: ExplanationPlan,
  papers: Map<string, PaperWithTerms>,
): string[] {
  const queryCounts = termCounts(textsOf(query.paperIds, papers));
  const terms = new Set<string>();
  for (const ids of plan.theirPaperIds)
    for (const term of termCounts(textsOf(ids, papers)).keys()) if (queryCounts.has(term)) terms.add(term);
  return [...terms];
}

function textsOf(ids: readonly string[], papers: Map<string, PaperWithTerms>): PaperWithTerms[] {
  return ids.slice(0, PAPERS_FOR_PHRASES).flatMap((id) => {
    const paper = papers.get(id);
    return paper ? [paper] : [];
  });
}

/**
 * The evidence for each ranked candidate, from data fetched beforehand: shared topics (author keywords
 * both use, then c-TF-IDF phrases), mutual co-authors, the closest pair of papers, graph distance,
 * where the candidate came from, and whether they can be invited.
 */
export function explainSuggestions(input: {
  query: RankingQuery;
  ranked: RankedCollaborator[];
  plan: ExplanationPlan;
  records: Map<string, CandidateRecord>;
  papers: Map<string, PaperWithTerms>;
  names: Map<string, string>;
  documentFrequency: (term: string) => number;
  totalPapers: number;
}): CollaboratorSuggestion[] {
  const { query, ranked, plan, records, papers } = input;
  const queryTexts = textsOf(query.paperIds, papers);
  const queryCounts = termCounts(queryTexts);
  const queryKeywords = new Set(queryTexts.flatMap((p) => p.keywords ?? []).map((k) => k.toLowerCase()));
  const ref = (id: string): PaperRef | null => {
    const p = papers.get(id);
    return p ? { id: p.id, title: p.title, year: p.year } : null;
  };
  return ranked.map((r, i) => {
    const record = records.get(r.id)!;
    const theirTexts = textsOf(plan.theirPaperIds[i]!, papers);
    const sharedKeywords = [
      ...new Set(
        theirTexts.flatMap((p) => p.keywords ?? []).filter((k) => queryKeywords.has(k.toLowerCase())),
      ),
    ];
    const phrases = sharedTopicPhrases(
      queryCounts,
      Math.max(1, queryTexts.length),
      termCounts(theirTexts),
      Math.max(1, theirTexts.length),
      input.documentFrequency,
      Math.max(1, input.totalPapers),
      TOPIC_PHRASES,
    );
    const theirs = r.closestPair ? ref(r.closestPair.theirs) : null;
    const canInvite = record.claimed && record.openToCollaborate;
    return {
      researcher: {
        id: record.id,
        name: record.name,
        affiliations: record.affiliations,
        claimed: record.claimed,
        openToCollaborate: record.openToCollaborate,
      },
      score: roundScore(r.score),
      scoreParts: Object.fromEntries(Object.entries(r.parts).map(([k, v]) => [k, roundScore(v ?? 0)])),
      features: Object.fromEntries(Object.entries(r.features).map(([k, v]) => [k, roundScore(v)])),
      evidence: {
        sharedTopics: [...sharedKeywords, ...phrases].slice(0, TOPIC_PHRASES),
        mutualCoauthors: plan.mutualByCandidate[i]!.map((id) => ({ id, name: input.names.get(id) ?? id })),
        closestPapers:
          r.closestPair && theirs
            ? { mine: ref(r.closestPair.mine), theirs, similarity: roundScore(r.closestPair.similarity) }
            : null,
        graphDistance: r.features.inverseHops > 0 ? Math.round(1 / r.features.inverseHops) : null,
        citations: citationSentences(r.citations),
        sources: r.sources,
      },
      canInvite,
      inviteHint: canInvite
        ? null
        : !record.claimed
          ? 'claim this author to unlock invitations'
          : 'this researcher is not open to collaboration invitations',
    };
  });
}

import type { Paper, PaperWithTerms } from '../domain/paper.ts';
import { paperFilter } from '../domain/paper-filters.ts';
import { roundScore } from '../domain/score.ts';
import { NotFoundError, UnprocessableError } from '../errors.ts';
import { buildGraphSlice, type GraphSlice, planGraphSlice } from '../recommend/graph-slice.ts';
import {
  blendCitationLinks,
  blendTermOverlap,
  blendVenueAffinity,
  citationLinkCounts,
  RELATED_HITS_PER_QUERY,
  relatedPaperScore,
  relatedPaperScores,
  relatedQueryVectors,
  type TermProfile,
  termProfile,
  venueShares,
} from '../recommend/related-papers.ts';
import { researcherTopicPhrases, termCounts } from '../recommend/terms.ts';
import type { StoredTopics } from '../recommend/topic-ranking.ts';
import type { JsonStore } from '../storage/json-store.ts';
import type { PaperRepository } from '../storage/paper-repository.ts';
import type { ResearcherRecord, ResearcherRepository } from '../storage/researcher-repository.ts';
import type { CitationIndex } from '../vector/citation-index.ts';
import { cosineOfUnitVectors, type InterestCentroid, type Interests } from '../vector/interests.ts';
import type { PaperIndex } from '../vector/paper-index.ts';
import type { ResearcherIndex } from '../vector/researcher-index.ts';
import type { Page } from './papers-service.ts';
import type { CitationSummary } from './researchers-service.ts';

const TOPIC_PAPERS = 15;

type Deps = {
  researcherIndex: ResearcherIndex;
  citationIndex: CitationIndex;
  paperIndex: PaperIndex;
  researchers: ResearcherRepository;
  papers: PaperRepository;
  topics: JsonStore<StoredTopics>;
};

/**
 * What a profile page shows around a researcher: related papers, researchers with similar interests,
 * readable topics, and the research graph slice.
 */
export class NeighbourhoodService {
  constructor(private readonly deps: Deps) {}

  private async interests(
    id: string,
  ): Promise<{ record: ResearcherRecord; interests: Interests; paperIds: readonly string[] }> {
    const record = await this.deps.researchers.get(id);
    if (!record) throw new NotFoundError('researcher', id);
    await this.deps.paperIndex.catchUp();
    const interests = this.deps.researcherIndex.interestsOf(id);
    if (!interests) throw new UnprocessableError('this researcher has no papers yet', { researcherId: id });
    const paperIds = this.deps.researcherIndex.graph.papersNewestFirst(id);
    return { record, interests, paperIds };
  }

  /**
   * Papers near the researcher's interests, ranked with their venues and the key phrases they share
   * with the researcher's papers, blended with the papers tied to theirs by citations
   * (bibliographic coupling, co-citation); never their own, nor those they already cite, nor
   * co-authors' with excludeSeen.
   */
  async relatedPapers(
    id: string,
    options: { page: Page; yearFrom?: number; yearTo?: number; excludeSeen: boolean },
  ): Promise<{ paper: Paper; score: number }[]> {
    const { interests, paperIds } = await this.interests(id);
    const index = this.deps.paperIndex.index;
    const graph = this.deps.researcherIndex.graph;
    const citations = this.deps.citationIndex.graph;
    const cited = paperIds.flatMap((paperId) => [...citations.cites(paperId)]);
    const filter = paperFilter({
      yearFrom: options.yearFrom,
      yearTo: options.yearTo,
      excludeIds: [...paperIds, ...cited],
      excludeAuthorIds: options.excludeSeen ? [id, ...graph.neighbours(id).keys()] : [id],
    });
    const depth = options.page.offset + options.page.limit;
    const queries = relatedQueryVectors(
      interests,
      paperIds.flatMap((p) => {
        const vector = index.vectorOf(p);
        const meta = index.metaOf(p);
        return vector && meta ? [{ vector, year: meta.year }] : [];
      }),
    );
    const perQuery = Math.max(depth, RELATED_HITS_PER_QUERY);
    const textScores = relatedPaperScores(queries, (vector) => index.search(vector, perQuery, filter));
    const links = citationLinkCounts(paperIds, citations);
    for (const paperId of links.keys()) {
      const meta = index.metaOf(paperId);
      const vector = index.vectorOf(paperId);
      if (textScores.has(paperId) || !meta || !vector || (filter && !filter(paperId, meta))) continue;
      textScores.set(
        paperId,
        relatedPaperScore(queries, (v) => cosineOfUnitVectors(v, vector)),
      );
    }
    const shares = venueShares(paperIds.flatMap((p) => graph.paper(p) ?? []));
    const withVenues = blendVenueAffinity(textScores, (paperId) => index.metaOf(paperId)?.venue, shares);
    const candidates = [...withVenues.keys()];
    const [profile, candidateTerms] = await Promise.all([
      this.termProfileOf(paperIds),
      this.deps.papers.termsOf(candidates),
    ]);
    const termsByPaper = new Map(candidates.map((paperId, i) => [paperId, candidateTerms[i] ?? []]));
    const withTerms = blendTermOverlap(withVenues, (paperId) => termsByPaper.get(paperId), profile);
    const ranked = [...blendCitationLinks(withTerms, links)]
      .sort((a, b) => b[1] - a[1] || (index.metaOf(b[0])?.year ?? 0) - (index.metaOf(a[0])?.year ?? 0))
      .slice(options.page.offset, depth);
    const papers = await this.deps.papers.getMany(ranked.map(([paperId]) => paperId));
    return ranked.flatMap(([, score], i) =>
      papers[i] ? [{ paper: papers[i]!, score: roundScore(score) }] : [],
    );
  }

  /**
   * The key phrases of these papers (a researcher's) weighted for comparing other papers with them
   * (see termProfile); the evaluation harness scores related papers with it too.
   */
  async termProfileOf(paperIds: readonly string[]): Promise<TermProfile> {
    const index = this.deps.paperIndex.index;
    const stored = await this.deps.papers.termsOf(paperIds);
    const papers = paperIds.flatMap((paperId, i) => {
      const meta = index.metaOf(paperId);
      return meta && stored[i] ? [{ terms: stored[i]!, year: meta.year }] : [];
    });
    const df = await this.deps.papers.documentFrequencies([...new Set(papers.flatMap((p) => p.terms))]);
    return termProfile(papers, (term) => df.get(term) ?? 0, Math.max(1, index.size));
  }

  /**
   * Citations between the researcher's papers and others' papers (their own citations of their own
   * work left out), and the people whose papers cite theirs most (by citing-paper links).
   */
  async citationSummary(id: string, mostCitedBy: number): Promise<CitationSummary> {
    await this.deps.paperIndex.catchUp();
    const graph = this.deps.researcherIndex.graph;
    const citations = this.deps.citationIndex.graph;
    const mine = new Set(graph.papersOf(id));
    let received = 0;
    let given = 0;
    const byCiter = new Map<string, number>();
    for (const paper of mine) {
      for (const cited of citations.cites(paper)) if (!mine.has(cited)) given += 1;
      for (const citing of citations.citedBy(paper)) {
        if (mine.has(citing)) continue;
        received += 1;
        for (const author of graph.paper(citing)?.authorIds ?? [])
          if (author !== id) byCiter.set(author, (byCiter.get(author) ?? 0) + 1);
      }
    }
    const top = [...byCiter]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, mostCitedBy)
      .map(([citer, count]) => ({ id: citer, citations: count }));
    return { received, given, mostCitedBy: top };
  }

  /** Researchers with the nearest interests, regardless of the graph. */
  async similarResearchers(
    id: string,
    page: Page,
  ): Promise<{ researcher: ResearcherRecord; similarity: number }[]> {
    const { interests } = await this.interests(id);
    const neighbours = this.deps.researcherIndex
      .topicNeighbours(
        interests.centroids.map((c) => c.vector),
        page.offset + page.limit,
        (other) => other === id,
      )
      .slice(page.offset);
    const records = await this.deps.researchers.getMany(neighbours.map((n) => n.researcher));
    return neighbours.flatMap((n, i) =>
      records[i] ? [{ researcher: records[i]!, similarity: roundScore(n.similarity) }] : [],
    );
  }

  /**
   * Profile topics: author keywords first, then the phrases the worker ranked for the researcher's
   * current papers (see ProfileTopicsService); until it has, the phrases by class TF-IDF alone.
   */
  async topics(id: string, limit: number): Promise<string[]> {
    const paperIds = await this.topicPaperIds(id);
    const stored = await this.deps.topics.get(id);
    if (stored && stored.paperIds.join('\n') === paperIds.join('\n')) return stored.phrases.slice(0, limit);
    const candidates = await this.candidatesFrom(id, paperIds, limit);
    return [...candidates.keywords, ...candidates.phrases].slice(0, limit);
  }

  /** The newest papers topics are drawn from, once the index has applied every change. */
  private async topicPaperIds(id: string): Promise<string[]> {
    await this.deps.paperIndex.catchUp();
    return this.deps.researcherIndex.graph.papersNewestFirst(id).slice(0, TOPIC_PAPERS);
  }

  /**
   * What profile topics are chosen from: the author keywords of the researcher's newest papers (most
   * used first) and up to `limit` key phrases of those papers by class TF-IDF against the whole store,
   * with the interest centroids they are ranked against.
   */
  async topicCandidates(id: string, limit: number) {
    return this.candidatesFrom(id, await this.topicPaperIds(id), limit);
  }

  private async candidatesFrom(
    id: string,
    paperIds: string[],
    limit: number,
  ): Promise<{ paperIds: string[]; keywords: string[]; phrases: string[]; centroids: InterestCentroid[] }> {
    const centroids = this.deps.researcherIndex.interestsOf(id)?.centroids ?? [];
    const papers = (await this.deps.papers.getManyWithTerms(paperIds)).filter(
      (p): p is PaperWithTerms => p !== null,
    );
    if (papers.length === 0) return { paperIds, keywords: [], phrases: [], centroids };
    const keywordCounts = new Map<string, number>();
    for (const keyword of papers.flatMap((p) => [...new Set(p.keywords ?? [])]))
      keywordCounts.set(keyword, (keywordCounts.get(keyword) ?? 0) + 1);
    const keywords = [...keywordCounts].sort((a, b) => b[1] - a[1]).map(([k]) => k);
    const counts = termCounts(papers);
    const [df, total] = await Promise.all([
      this.deps.papers.documentFrequencies([...counts.keys()]),
      this.deps.papers.count(),
    ]);
    const lowerKeywords = new Set(keywords.map((k) => k.toLowerCase()));
    const phrases = researcherTopicPhrases(
      counts,
      papers.length,
      (t) => df.get(t) ?? 1,
      Math.max(1, total),
      limit + keywords.length,
    ).filter((p) => !lowerKeywords.has(p.toLowerCase()));
    return { paperIds, keywords, phrases: phrases.slice(0, limit), centroids };
  }

  /**
   * The research graph slice of a profile page: the researcher, their newest papers and papers
   * similar to them, co-authors (and theirs at depth 2), topics and institutions, with typed edges.
   */
  async graphSlice(id: string, options: { depth: number; limit: number }): Promise<GraphSlice> {
    const { record, paperIds } = await this.interests(id);
    const graph = this.deps.researcherIndex.graph;
    const index = this.deps.paperIndex.index;
    const plan = planGraphSlice(
      id,
      graph,
      this.deps.citationIndex.graph,
      paperIds,
      (paperId, exclude) => {
        const vector = index.vectorOf(paperId);
        return vector ? index.search(vector, 3, (other) => !exclude.has(other)) : [];
      },
      options,
    );
    const [records, papers, topics, affiliations] = await Promise.all([
      this.deps.researchers.getMany(plan.personIds),
      this.deps.papers.getMany(plan.paperIds),
      this.topics(id, plan.budget.topics),
      this.deps.researchers.affiliationsAsOf([id, ...plan.personIds]),
    ]);
    return buildGraphSlice(
      plan,
      graph,
      {
        focusName: record.name,
        names: new Map(plan.personIds.map((pid, i) => [pid, records[i]?.name ?? pid])),
        papers: new Map(papers.flatMap((paper) => (paper ? [[paper.id, paper]] : []))),
        topics,
        affiliations,
      },
      options.limit,
    );
  }
}

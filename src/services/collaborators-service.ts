import type { PaperWithTerms } from '../domain/paper.ts';
import type { Embedder } from '../embedding/embedder.ts';
import { NotFoundError, UnprocessableError } from '../errors.ts';
import type { RankingQuery } from '../recommend/candidates.ts';
import {
  type CandidateProfile,
  type CollaboratorOptions,
  collectCandidates,
  featureSetOf,
  type RankedCollaborator,
  rankCollaborators,
} from '../recommend/collaborator-ranking.ts';
import {
  type CandidateRecord,
  type CollaboratorSuggestion,
  explainSuggestions,
  planExplanations,
  type RankingMethod,
  type SuggestionResult,
  sharedTerms,
} from '../recommend/explanations.ts';
import { LiveRankingData } from '../recommend/ranking-data.ts';
import { stagedModels } from '../recommend/training.ts';
import type { JsonStore } from '../storage/json-store.ts';
import type { PaperRepository } from '../storage/paper-repository.ts';
import type { ResearcherRepository } from '../storage/researcher-repository.ts';
import type { CitationIndex } from '../vector/citation-index.ts';
import { type Interests, researcherInterests } from '../vector/interests.ts';
import type { PaperIndex } from '../vector/paper-index.ts';
import type { PaperMatcher } from '../vector/paper-matcher.ts';
import type { ResearcherIndex } from '../vector/researcher-index.ts';
import { CACHED_OPTIONS, type CachedSuggestions } from './cached-suggestions.ts';
import type { InvitationFeedback } from './invitation-feedback.ts';
import type { RankingModelService } from './ranking-model-service.ts';

export type { CollaboratorSuggestion, SuggestionResult } from '../recommend/explanations.ts';

type Deps = {
  researcherIndex: ResearcherIndex;
  citationIndex: CitationIndex;
  paperIndex: PaperIndex;
  researchers: ResearcherRepository;
  papers: PaperRepository;
  feedback: InvitationFeedback;
  models: RankingModelService;
  cache: JsonStore<CachedSuggestions>;
  embedder: Embedder;
  matcher: PaperMatcher;
};

/**
 * Suggested collaborators computed on the live indexes: load the researcher, leave out who they said
 * no to, rank, explain; and the precomputed lists the suggestion cache holds (CachedCollaborators
 * answers from them).
 */
export class CollaboratorsService {
  constructor(private readonly deps: Deps) {}

  /** Recomputes and caches the suggestions of the cached options (the refresh-suggestions job). */
  async refreshCached(id: string): Promise<CachedSuggestions | null> {
    try {
      const modelVersion = await this.deps.models.version();
      const result = await this.computeForResearcher(id, CACHED_OPTIONS);
      const cached: CachedSuggestions = {
        ...result,
        computedAt: new Date().toISOString(),
        changeId: this.deps.paperIndex.lastAppliedChange,
        modelVersion,
      };
      await this.deps.cache.set(id, cached);
      return cached;
    } catch (error) {
      if (error instanceof UnprocessableError || error instanceof NotFoundError) return null;
      throw error;
    }
  }

  /** Suggestions for a stored researcher, ranked now. */
  async computeForResearcher(id: string, options: CollaboratorOptions): Promise<SuggestionResult> {
    const record = await this.deps.researchers.get(id);
    if (!record) throw new NotFoundError('researcher', id);
    const data = await this.rankingData();
    const interests = data.interestsOf(id) ?? (await this.interestsFromWords(record.interests));
    if (!interests) {
      throw new UnprocessableError(
        'this researcher has no papers or interests yet: use POST /v1/collaborators/suggest',
        { researcherId: id },
      );
    }
    const saidNo = await this.deps.feedback.peopleToLeaveOut(id);
    return this.suggest(
      data,
      { researcher: id, interests, paperIds: data.graph.papersNewestFirst(id) },
      { ...options, excludeIds: [...options.excludeIds, ...saidNo] },
      record.affiliations,
    );
  }

  /** A claimed profile without papers: their own words stand in for papers. */
  private async interestsFromWords(words: string | null): Promise<Interests | null> {
    if (!words) return null;
    const [vector] = await this.deps.embedder.embed([words]);
    return researcherInterests([{ id: 'interests', vector: vector!, year: new Date().getUTCFullYear() }], 0);
  }

  /** Cold start: suggestions for free text or for a few stored papers, by topic alone. */
  async suggestForText(input: { text?: string; paperIds?: string[] }, options: CollaboratorOptions) {
    const data = await this.rankingData();
    const index = this.deps.paperIndex.index;
    const dated = [];
    for (const id of input.paperIds ?? []) {
      const vector = index.vectorOf(id);
      const meta = index.metaOf(id);
      if (!vector || !meta)
        throw new UnprocessableError('some paper ids are not in the store', { unknownIds: [id] });
      dated.push({ id, vector, year: meta.year });
    }
    if (input.text) {
      const [vector] = await this.deps.embedder.embed([input.text]);
      dated.push({ id: 'text', vector: vector!, year: new Date().getUTCFullYear() });
    }
    const interests = researcherInterests(dated, new Date().getUTCFullYear())!;
    const excludeAuthors = new Set((input.paperIds ?? []).flatMap((id) => index.metaOf(id)?.authorIds ?? []));
    return this.suggest(
      data,
      { interests, paperIds: data.graph.newestFirst(input.paperIds ?? []) },
      { ...options, excludeIds: [...options.excludeIds, ...excludeAuthors] },
    );
  }

  /** The ranking of suggest() without the evidence: what the evaluation harness measures. */
  async rankResearcher(id: string, options: CollaboratorOptions): Promise<RankedCollaborator[]> {
    const data = await this.rankingData();
    const interests = data.interestsOf(id);
    if (!interests) return [];
    const query = { researcher: id, interests, paperIds: data.graph.papersNewestFirst(id) };
    const affiliations = await this.deps.researchers.affiliationsAsOf([id]);
    return (await this.rank(data, query, options, affiliations.get(id) ?? [])).ranked;
  }

  /** Everyone a ranking of the researcher looks at, before filters and the shortlist: candidate recall's set. */
  async candidatesFor(id: string, options: CollaboratorOptions): Promise<Set<string>> {
    const data = await this.rankingData();
    const interests = data.interestsOf(id);
    if (!interests) return new Set();
    const query = { researcher: id, interests, paperIds: data.graph.papersNewestFirst(id) };
    return new Set(collectCandidates(query, data, options).keys());
  }

  /** The live indexes as ranking data, once per request, after applying every change written so far. */
  private async rankingData(): Promise<LiveRankingData> {
    await this.deps.paperIndex.catchUp();
    return new LiveRankingData(
      this.deps.researcherIndex,
      this.deps.paperIndex.index,
      this.deps.citationIndex,
    );
  }

  private async suggest(
    data: LiveRankingData,
    query: RankingQuery,
    options: CollaboratorOptions,
    queryAffiliations: string[] = [],
  ): Promise<SuggestionResult> {
    const { ranked, model } = await this.rank(data, query, options, queryAffiliations);
    const items = await this.explain(data, query, ranked);
    const method: RankingMethod = model
      ? {
          kind: 'learned',
          version: model.version,
          featureSet: model.featureSet,
          trainedAt: model.trainedAt,
          training: model.training,
        }
      : {
          kind: 'classic-order',
          order: 'Adamic–Adar, then random-walk proximity, then topic similarity',
          reason: 'no ranking model has been trained on this store yet',
        };
    return { items, method };
  }

  private async rank(
    data: LiveRankingData,
    query: RankingQuery,
    options: CollaboratorOptions,
    queryAffiliations: string[],
  ) {
    const models = await this.deps.models.current();
    const featureSet = featureSetOf(query, data);
    const staged = models ? stagedModels(models, featureSet) : null;
    const ranked = await rankCollaborators(query, data, options, {
      models: staged,
      profilesOf: (ids) => this.profilesOf(ids),
      closestPapers: (mine, theirs) => this.deps.matcher.closest(mine, theirs),
      queryAffiliations,
      referenceYear: data.graph.latestPaperYear,
    });
    return { ranked, model: staged?.full ?? null };
  }

  private async profilesOf(ids: string[]): Promise<Map<string, CandidateProfile>> {
    const stored = await this.deps.researchers.rankingProfiles(ids);
    const profiles = new Map<string, CandidateProfile>();
    stored.forEach((profile, i) => {
      if (profile) profiles.set(ids[i]!, profile);
    });
    return profiles;
  }

  /** Fetches what the evidence needs (papers, names, term frequencies), then explains each suggestion. */
  private async explain(
    data: LiveRankingData,
    query: RankingQuery,
    ranked: RankedCollaborator[],
  ): Promise<CollaboratorSuggestion[]> {
    const plan = planExplanations(query, ranked, data.graph);
    const rankedIds = ranked.map((r) => r.id);
    const [stored, mutualRecords, rankedRecords] = await Promise.all([
      this.deps.papers.getManyWithTerms(plan.paperIds),
      this.deps.researchers.getMany(plan.mutualIds),
      this.deps.researchers.getMany(rankedIds),
    ]);
    const records = new Map<string, CandidateRecord>();
    rankedRecords.forEach((record, i) => {
      if (record) records.set(rankedIds[i]!, record);
    });
    const papers = new Map<string, PaperWithTerms>();
    stored.forEach((paper, i) => {
      if (paper) papers.set(plan.paperIds[i]!, paper);
    });
    const [df, totalPapers] = await Promise.all([
      this.deps.papers.documentFrequencies(sharedTerms(query, plan, papers)),
      this.deps.papers.count(),
    ]);
    return explainSuggestions({
      query,
      ranked,
      plan,
      records,
      papers,
      names: new Map(plan.mutualIds.map((id, i) => [id, mutualRecords[i]?.name ?? id])),
      documentFrequency: (term) => df.get(term) ?? 1,
      totalPapers,
    });
  }
}

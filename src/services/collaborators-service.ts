import type { Paper } from '../domain/paper.ts';
import { roundScore } from '../domain/score.ts';
import type { Embedder } from '../embedding/embedder.ts';
import { NotFoundError, UnprocessableError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { RankingQuery } from '../recommend/candidates.ts';
import {
  type CandidateProfile,
  type CollaboratorOptions,
  collaboratorOptions,
  collectCandidates,
  type RankedCollaborator,
  rankCandidates,
} from '../recommend/collaborators.ts';
import { researcherInterests } from '../recommend/interests.ts';
import type { RankerModel } from '../recommend/ranker.ts';
import { LiveRankingData } from '../recommend/ranking-data.ts';
import { sharedTopicPhrases, termCounts } from '../recommend/terms.ts';
import { trainRankers } from '../recommend/training.ts';
import type { InvitationRepository } from '../storage/invitation-repository.ts';
import type { PaperRepository } from '../storage/paper-repository.ts';
import type { RankerModels, RankerRepository } from '../storage/ranker-repository.ts';
import type { ResearcherRecord, ResearcherRepository } from '../storage/researcher-repository.ts';
import type { SuggestionCache } from '../storage/suggestion-cache.ts';
import type { PaperIndex } from '../vector/paper-index.ts';
import type { ResearcherIndex } from '../vector/researcher-index.ts';

const TOPIC_PHRASES = 5;
const MUTUAL_COAUTHORS_SHOWN = 3;
const PAPERS_FOR_PHRASES = 15;
const TRAINING_QUERIES = 400;
const MODELS_CACHE_MS = 60_000;

export type PaperRef = { id: string; title: string; year: number };

export type CollaboratorSuggestion = {
  researcher: Pick<ResearcherRecord, 'id' | 'name' | 'affiliations' | 'claimed' | 'openToCollaborate'>;
  score: number;
  scoreParts: Record<string, number>;
  features: Record<string, number>;
  evidence: {
    sharedTopics: string[];
    mutualCoauthors: { id: string; name: string }[];
    closestPapers: { mine: PaperRef | null; theirs: PaperRef; similarity: number } | null;
    graphDistance: number | null;
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

export type CachedSuggestions = SuggestionResult & { computedAt: string; changeId: string };

type Deps = {
  researcherIndex: ResearcherIndex;
  paperIndex: PaperIndex;
  researchers: ResearcherRepository;
  papers: PaperRepository;
  rankers: RankerRepository;
  invitations: InvitationRepository;
  cache: SuggestionCache<CachedSuggestions>;
  embedder: Embedder;
  logger: Logger;
};

/** The options the refresh job precomputes; requests within them are served from the cache. */
export const CACHED_OPTIONS = collaboratorOptions({ limit: 20, diversity: 0.3 });

function servedByCache(o: CollaboratorOptions): boolean {
  const c = CACHED_OPTIONS;
  return (
    o.limit <= c.limit &&
    o.activeSince === undefined &&
    o.excludeCoauthors === c.excludeCoauthors &&
    o.novelty === c.novelty &&
    o.diversity === c.diversity &&
    o.openToCollaborateOnly === c.openToCollaborateOnly &&
    o.excludeIds.length === 0 &&
    o.excludeInstitutions.length === 0
  );
}

export class CollaboratorsService {
  private models: { value: RankerModels | null; loadedAt: number } | null = null;
  private training: Promise<RankerModels | null> | null = null;

  constructor(private readonly deps: Deps) {}

  private data(): LiveRankingData {
    return new LiveRankingData(this.deps.researcherIndex, this.deps.paperIndex.index);
  }

  private async currentModels(): Promise<RankerModels | null> {
    if (!this.models || Date.now() - this.models.loadedAt > MODELS_CACHE_MS) {
      this.models = { value: await this.deps.rankers.get(), loadedAt: Date.now() };
    }
    return this.models.value;
  }

  /** Learns the ranking models from the stored data and saves them; concurrent calls share one run. */
  train(seed = 'peerscout'): Promise<RankerModels | null> {
    if (!this.training) {
      this.training = (async () => {
        await this.deps.paperIndex.catchUp();
        const started = Date.now();
        const models = await trainRankers(this.deps.paperIndex.index, this.deps.researcherIndex.graph, {
          maxQueries: TRAINING_QUERIES,
          seed,
          affiliationsAsOf: (ids, year) => this.deps.researchers.affiliationsAsOf(ids, year),
        });
        if (models) {
          await this.deps.rankers.save(models);
          this.models = { value: models, loadedAt: Date.now() };
        }
        this.deps.logger.info(
          { ms: Date.now() - started, trained: models !== null, training: models?.graph.training },
          'collaborator ranking models trained',
        );
        return models;
      })().finally(() => {
        this.training = null;
      });
    }
    return this.training;
  }

  /**
   * Suggestions for a stored researcher: from the precomputed cache when the options are the cached
   * ones and it is fresh, computed now otherwise. People the researcher dismissed (within the
   * cooldown), declined or blocked drop out; accepted collaborations count as graph edges.
   */
  async suggestForResearcher(id: string, options: CollaboratorOptions): Promise<SuggestionResult> {
    if (servedByCache(options)) {
      const cached = await this.deps.cache.get(id);
      if (cached) return { ...cached, items: cached.items.slice(0, options.limit) };
    }
    return this.computeForResearcher(id, options);
  }

  /** Recomputes and caches the suggestions of the cached options (the refresh-suggestions job). */
  async refreshCached(id: string): Promise<CachedSuggestions | null> {
    try {
      const result = await this.computeForResearcher(id, CACHED_OPTIONS);
      const cached: CachedSuggestions = {
        ...result,
        computedAt: new Date().toISOString(),
        changeId: this.deps.paperIndex.lastAppliedChange,
      };
      await this.deps.cache.set(id, cached);
      return cached;
    } catch (error) {
      if (error instanceof UnprocessableError || error instanceof NotFoundError) return null;
      throw error;
    }
  }

  private async computeForResearcher(id: string, options: CollaboratorOptions): Promise<SuggestionResult> {
    const record = await this.deps.researchers.get(id);
    if (!record) throw new NotFoundError('researcher', id);
    await this.deps.paperIndex.catchUp();
    this.deps.researcherIndex.addAcceptedEdges(await this.deps.invitations.collaborationEdges());
    const data = this.data();
    const paperIds = data.graph.papersNewestFirst(id);
    let interests = data.interestsOf(id);
    if (!interests && record.interests) {
      // A claimed profile without papers: their own words stand in for papers.
      const [vector] = await this.deps.embedder.embed([record.interests]);
      interests = researcherInterests(
        [{ id: 'interests', vector: vector!, year: new Date().getUTCFullYear() }],
        0,
      );
    }
    if (!interests) {
      throw new UnprocessableError(
        'this researcher has no papers or interests yet: use POST /v1/collaborators/suggest',
        {
          researcherId: id,
        },
      );
    }
    const now = Date.now();
    const feedback = await this.deps.invitations.feedback(id);
    const saidNo = [...feedback]
      .filter(([, f]) => f.kind !== 'dismissed' || f.until > now)
      .map(([candidate]) => candidate);
    return this.suggest(
      { researcher: id, interests, paperIds },
      { ...options, excludeIds: [...options.excludeIds, ...saidNo] },
      record.affiliations,
    );
  }

  /** Cold start: suggestions for free text or for a few stored papers, by topic alone. */
  async suggestForText(input: { text?: string; paperIds?: string[] }, options: CollaboratorOptions) {
    await this.deps.paperIndex.catchUp();
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
      { interests, paperIds: this.deps.researcherIndex.graph.newestFirst(input.paperIds ?? []) },
      {
        ...options,
        excludeIds: [...options.excludeIds, ...excludeAuthors],
      },
    );
  }

  /** The ranking of suggest() without the evidence: what the evaluation harness measures. */
  async rankResearcher(id: string, options: CollaboratorOptions): Promise<RankedCollaborator[]> {
    const data = this.data();
    const interests = data.interestsOf(id);
    if (!interests) return [];
    const query = { researcher: id, interests, paperIds: data.graph.papersNewestFirst(id) };
    const affiliations = await this.deps.researchers.affiliationsAsOf([id]);
    return (await this.rank(query, options, affiliations.get(id) ?? [])).ranked;
  }

  private async suggest(
    query: RankingQuery,
    options: CollaboratorOptions,
    queryAffiliations: string[] = [],
  ): Promise<SuggestionResult> {
    const { ranked, profiles, model } = await this.rank(query, options, queryAffiliations);
    const items = await this.explain(query, ranked, profiles);
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

  private async rank(query: RankingQuery, options: CollaboratorOptions, queryAffiliations: string[]) {
    const data = this.data();
    const candidates = collectCandidates(query, data, options);
    const ids = [...candidates.keys()];
    const records = await this.deps.researchers.getMany(ids);
    const affiliations = await this.deps.researchers.affiliationsAsOf(ids);
    const profiles = new Map<string, CandidateProfile & { record: ResearcherRecord }>();
    records.forEach((record, i) => {
      if (record) profiles.set(ids[i]!, { ...record, affiliations: affiliations.get(ids[i]!) ?? [], record });
    });
    const models = await this.currentModels();
    const inGraph = query.researcher !== undefined && data.graph.hasResearcher(query.researcher);
    const model = models ? (inGraph ? models.graph : models.topic) : null;
    const ranked = rankCandidates(
      query,
      candidates,
      data,
      (id) => profiles.get(id),
      {
        referenceYear: data.graph.latestPaperYear,
        affiliations: (id) => profiles.get(id)?.affiliations ?? [],
        queryAffiliations,
      },
      options,
      model,
    );
    return { ranked, profiles, model };
  }

  private async explain(
    query: RankingQuery,
    ranked: RankedCollaborator[],
    profiles: Map<string, { record: ResearcherRecord }>,
  ): Promise<CollaboratorSuggestion[]> {
    const { graph } = this.data();
    const theirPaperIds = ranked.map((r) => graph.papersNewestFirst(r.id).slice(0, PAPERS_FOR_PHRASES));
    const paperIdsNeeded = new Set<string>([
      ...query.paperIds.slice(0, PAPERS_FOR_PHRASES),
      ...theirPaperIds.flat(),
    ]);
    for (const r of ranked) if (r.closestPair) paperIdsNeeded.add(r.closestPair.mine);
    const paperList = [...paperIdsNeeded];
    const stored = await this.deps.papers.getMany(paperList);
    const papers = new Map<string, Paper>();
    stored.forEach((p, i) => {
      if (p) papers.set(paperList[i]!, p);
    });
    const textsOf = (ids: string[]) =>
      ids.slice(0, PAPERS_FOR_PHRASES).flatMap((id) => (papers.has(id) ? [papers.get(id)!] : []));
    const queryTexts = textsOf(query.paperIds);
    const queryCounts = termCounts(queryTexts);
    const queryKeywords = new Set(queryTexts.flatMap((p) => p.keywords ?? []).map((k) => k.toLowerCase()));
    const theirTexts = theirPaperIds.map(textsOf);
    const candidateCounts = theirTexts.map(termCounts);
    const allTerms = new Set<string>();
    for (const counts of candidateCounts)
      for (const term of counts.keys()) if (queryCounts.has(term)) allTerms.add(term);
    const [df, totalPapers] = await Promise.all([
      this.deps.papers.documentFrequencies([...allTerms]),
      this.deps.papers.count(),
    ]);
    const mutualIds = new Set<string>();
    const mutualByCandidate = ranked.map((r) => {
      if (!query.researcher) return [];
      const mine = graph.neighbours(query.researcher);
      const shared = [...graph.neighbours(r.id).keys()]
        .filter((z) => mine.has(z))
        .sort((a, b) => graph.degree(a) - graph.degree(b))
        .slice(0, MUTUAL_COAUTHORS_SHOWN);
      for (const z of shared) mutualIds.add(z);
      return shared;
    });
    const mutualRecords = await this.deps.researchers.getMany([...mutualIds]);
    const names = new Map([...mutualIds].map((id, i) => [id, mutualRecords[i]?.name ?? id]));
    const ref = (id: string): PaperRef | null => {
      const p = papers.get(id);
      return p ? { id: p.id, title: p.title, year: p.year } : null;
    };

    return ranked.map((r, i) => {
      const record = profiles.get(r.id)!.record;
      const sharedKeywords = [
        ...new Set(
          theirTexts[i]!.flatMap((p) => p.keywords ?? []).filter((k) => queryKeywords.has(k.toLowerCase())),
        ),
      ];
      const phrases = sharedTopicPhrases(
        queryCounts,
        Math.max(1, queryTexts.length),
        candidateCounts[i]!,
        Math.max(1, theirTexts[i]!.length),
        (term) => df.get(term) ?? 1,
        Math.max(1, totalPapers),
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
          mutualCoauthors: mutualByCandidate[i]!.map((id) => ({ id, name: names.get(id)! })),
          closestPapers:
            r.closestPair && theirs
              ? { mine: ref(r.closestPair.mine), theirs, similarity: roundScore(r.closestPair.similarity) }
              : null,
          graphDistance: r.features.inverseHops > 0 ? Math.round(1 / r.features.inverseHops) : null,
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
}

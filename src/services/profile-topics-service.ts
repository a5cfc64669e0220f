import type { Embedder } from '../embedding/embedder.ts';
import { rankTopicPhrases, type StoredTopics } from '../recommend/topic-ranking.ts';
import type { JsonStore } from '../storage/json-store.ts';
import type { NeighbourhoodService } from './neighbourhood-service.ts';

/** Phrases by TF-IDF that the embedding ranking chooses among. */
const CANDIDATE_PHRASES = 30;
/** Topics kept per researcher: more than a profile shows, so a page may ask for fewer. */
const STORED_TOPICS = 12;

/**
 * Ranks a researcher's profile topics in the worker (never on a request): the TF-IDF candidates are
 * embedded and ordered by closeness to the researcher's interests with MMR, after the author keywords,
 * and stored with the papers they came from, so a profile shows them until those papers change.
 */
export class ProfileTopicsService {
  constructor(
    private readonly deps: {
      neighbourhood: Pick<NeighbourhoodService, 'topicCandidates'>;
      embedder: Embedder;
      topics: JsonStore<StoredTopics>;
    },
  ) {}

  async refresh(id: string): Promise<StoredTopics | null> {
    const candidates = await this.deps.neighbourhood.topicCandidates(id, CANDIDATE_PHRASES);
    if (candidates.paperIds.length === 0 || candidates.centroids.length === 0) return null;
    const vectors = await this.deps.embedder.embed(candidates.phrases);
    const ranked = rankTopicPhrases(candidates.phrases, vectors, candidates.centroids, STORED_TOPICS);
    const topics: StoredTopics = {
      phrases: [...candidates.keywords, ...ranked].slice(0, STORED_TOPICS),
      paperIds: candidates.paperIds,
      rankedAt: new Date().toISOString(),
    };
    await this.deps.topics.set(id, topics);
    return topics;
  }
}

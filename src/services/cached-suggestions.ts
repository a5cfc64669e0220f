import {
  type CollaboratorOptions,
  collaboratorOptions,
  DEFAULT_DIVERSITY,
} from '../recommend/collaborator-ranking.ts';
import type { SuggestionResult } from '../recommend/explanations.ts';

/** A researcher's precomputed suggestions, with what they were computed from. */
export type CachedSuggestions = SuggestionResult & {
  computedAt: string;
  /** The paper change the indexes had applied. */
  changeId: string;
  /** The ranking they were made with (see modelVersionOf). */
  modelVersion: string;
};

/** The options the refresh job precomputes. */
export const CACHED_OPTIONS = collaboratorOptions({ limit: 20, diversity: DEFAULT_DIVERSITY });

/**
 * The one rule for answering from the cache: the request asks for the precomputed options (or fewer
 * items of them), and the list was made with the ranking in use now. Data changes and feedback drop
 * cached lists when they happen (SuggestionRefresh), so a list still present is current otherwise.
 */
export function cacheCanAnswer(
  options: CollaboratorOptions,
  cached: CachedSuggestions | null,
  modelVersion: string,
): cached is CachedSuggestions {
  const c = CACHED_OPTIONS;
  return (
    cached !== null &&
    cached.modelVersion === modelVersion &&
    options.limit <= c.limit &&
    options.activeSince === undefined &&
    options.excludeCoauthors === c.excludeCoauthors &&
    options.novelty === c.novelty &&
    options.diversity === c.diversity &&
    options.openToCollaborateOnly === c.openToCollaborateOnly &&
    options.excludeIds.length === 0 &&
    options.excludeInstitutions.length === 0
  );
}

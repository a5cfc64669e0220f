import type { ParsedJobPayload } from '../../src/jobs/definitions.ts';
import type { CachedCollaborators } from '../../src/services/cached-collaborators.ts';
import type { ProfileTopicsService } from '../../src/services/profile-topics-service.ts';

/** Recomputes a researcher's cached collaborator suggestions and ranks their profile topics again. */
export async function refreshSuggestions(
  services: {
    collaborators: Pick<CachedCollaborators, 'refreshCached'>;
    profileTopics: ProfileTopicsService;
  },
  payload: ParsedJobPayload<'refresh-suggestions'>,
) {
  const [cached, topics] = await Promise.all([
    services.collaborators.refreshCached(payload.researcherId),
    services.profileTopics.refresh(payload.researcherId),
  ]);
  return {
    researcherId: payload.researcherId,
    suggestions: cached?.items.length ?? 0,
    topics: topics?.phrases.length ?? 0,
    changeId: cached?.changeId,
  };
}

import type { ParsedJobPayload } from '../../src/jobs/definitions.ts';
import type { CollaboratorsService } from '../../src/services/collaborators-service.ts';

/** Recomputes and caches a researcher's collaborator suggestions. */
export async function refreshSuggestions(
  collaborators: CollaboratorsService,
  payload: ParsedJobPayload<'refresh-suggestions'>,
) {
  const cached = await collaborators.refreshCached(payload.researcherId);
  return {
    researcherId: payload.researcherId,
    suggestions: cached?.items.length ?? 0,
    changeId: cached?.changeId,
  };
}

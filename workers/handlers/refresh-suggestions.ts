import type { Container } from '../../src/container.ts';
import type { ParsedJobPayload } from '../../src/jobs/definitions.ts';

/** Recomputes and caches a researcher's collaborator suggestions. */
export async function refreshSuggestions(
  container: Container,
  payload: ParsedJobPayload<'refresh-suggestions'>,
) {
  const cached = await container.services.collaborators.refreshCached(payload.researcherId);
  return {
    researcherId: payload.researcherId,
    suggestions: cached?.items.length ?? 0,
    changeId: cached?.changeId,
  };
}

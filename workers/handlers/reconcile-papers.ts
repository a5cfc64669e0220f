import type { PapersService } from '../../src/services/papers-service.ts';

/** Finishes the paper writes whose writers died (see PaperRepository.reconcile). */
export function reconcilePapers(papers: PapersService) {
  return papers.reconcile();
}

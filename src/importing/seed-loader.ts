import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { createContainer } from '../container.ts';
import type { Paper } from '../domain/paper.ts';
import type { Logger } from '../logger.ts';
import type { PapersService } from '../services/papers-service.ts';
import type { PaperRepository } from '../storage/paper-repository.ts';
import type { ResearcherRepository } from '../storage/researcher-repository.ts';
import { readPaperFile } from './paper-file.ts';

const seedProfilesSchema = z.array(
  z.object({
    id: z.string(),
    openToCollaborate: z.boolean().optional(),
    verificationLevel: z.number().int().min(0).optional(),
  }),
);

/** Loads seeds/papers.jsonl and seeds/researchers.json when the store has no papers yet. */
export async function loadSeedsIfEmpty(
  seedsDir: string,
  deps: { papersService: PapersService; papers: PaperRepository; researchers: ResearcherRepository },
): Promise<{ loaded: boolean; papers: number }> {
  if ((await deps.papers.count()) > 0) return { loaded: false, papers: 0 };
  const papers: Paper[] = [];
  for await (const line of readPaperFile(path.join(seedsDir, 'papers.jsonl'))) {
    if (!line.ok) throw new Error(`seeds/papers.jsonl line ${line.lineNumber}: ${line.reason}`);
    papers.push(line.paper);
  }
  await deps.papersService.store(papers);
  const profiles = seedProfilesSchema.parse(
    JSON.parse(await fs.readFile(path.join(seedsDir, 'researchers.json'), 'utf8')),
  );
  for (const { id, ...fields } of profiles) await deps.researchers.updateProfile(id, fields);
  return { loaded: true, papers: papers.length };
}

/** Seeds the store named by the configuration when it is empty (the start command's first step). */
export async function seedStore(
  config: Config,
  logger: Logger,
  seedsDir = path.resolve('seeds'),
): Promise<void> {
  const container = createContainer(config, logger);
  try {
    const seeded = await loadSeedsIfEmpty(seedsDir, {
      papersService: container.services.papers,
      papers: container.repositories.papers,
      researchers: container.repositories.researchers,
    });
    if (seeded.loaded) logger.info({ papers: seeded.papers }, 'seed researchers and papers loaded');
    else logger.info('store already has papers: seeds not loaded');
  } finally {
    await container.close();
  }
}

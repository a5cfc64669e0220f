import { z } from 'zod';
import { idSchema } from './ids.ts';
import { MAX_REFERENCES, referenceSchema, selfReferences } from './references.ts';

export { ID_RULE, idSchema } from './ids.ts';

/** The most authors a paper record can list at all; MAX_AUTHORS_PER_PAPER sets the store's own cap. */
export const MAX_LISTED_AUTHORS = 5000;

const text = (max: number) => z.string().trim().min(1).max(max);

export const authorSchema = z.object({
  id: idSchema,
  name: text(300),
  affiliation: z.string().trim().max(5000).optional(),
});

/** A stored paper, as returned by the API. */
export const paperSchema = z.object({
  id: idSchema,
  title: text(1000),
  abstract: text(20_000),
  year: z.number().int().min(1800).max(2100),
  venue: z.string().trim().max(200).default(''),
  // Front matter and some proceedings entries have no authors: they are papers all the same.
  authors: z.array(authorSchema).max(MAX_LISTED_AUTHORS),
  keywords: z.array(text(200)).max(100).optional(),
  primary_area: z.string().trim().max(200).optional(),
  url: z.string().url().max(2000).optional(),
  doi: z.string().trim().max(300).optional(),
  retracted: z.boolean().optional(),
  references: z.array(referenceSchema).max(MAX_REFERENCES).optional(),
});

/** A paper as accepted on input: a stored paper whose author ids are unique. */
export const paperInputSchema = paperSchema.superRefine((paper, ctx) => {
  const seen = new Set<string>();
  paper.authors.forEach((author, index) => {
    if (seen.has(author.id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['authors', index, 'id'],
        message: `author '${author.id}' is listed twice`,
      });
    }
    seen.add(author.id);
  });
  for (const index of selfReferences(paper)) {
    ctx.addIssue({ code: 'custom', path: ['references', index], message: 'a paper cannot cite itself' });
  }
});

export type PaperInput = z.input<typeof paperInputSchema>;
export type Paper = z.output<typeof paperInputSchema>;
export type Author = z.output<typeof authorSchema>;
/** A stored paper with its distinct key phrases, as extracted when it was ingested. */
export type PaperWithTerms = Paper & { terms: string[] };

export type IngestStatus = 'created' | 'updated' | 'unchanged';

/** Ids of the papers that list more authors than the store accepts. */
export function papersOverAuthorLimit(papers: Pick<Paper, 'id' | 'authors'>[], max: number): string[] {
  return papers.filter((paper) => paper.authors.length > max).map((paper) => paper.id);
}

/** The text a paper is embedded from. */
export function paperText(title: string, abstract: string): string {
  return `${title.trim()}. ${abstract.trim()}`;
}

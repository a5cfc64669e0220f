import { z } from 'zod';
import { idSchema } from './ids.ts';

/**
 * A paper's reference list: each entry names the cited paper by its id in the store, by DOI, or by
 * title and year. References are matched to stored papers by a reference key (`i:<id>`, `d:<doi>`,
 * `t:<year>:<title>`), whichever of the two papers is stored first.
 */

/** The most references one paper may list: longer lists are parsing accidents, not bibliographies. */
export const MAX_REFERENCES = 2000;

const doiSchema = z.string().trim().min(3).max(300);
const yearSchema = z.number().int().min(1800).max(2100);

export const referenceSchema = z.union([
  idSchema,
  // A DOI decides the match; a title and year given with it are kept for display only.
  z
    .object({ doi: doiSchema, title: z.string().trim().max(1000).optional(), year: yearSchema.optional() })
    .strict(),
  z.object({ title: z.string().trim().min(1).max(1000), year: yearSchema }).strict(),
]);

export type Reference = z.output<typeof referenceSchema>;

/** Lower-case DOI without its resolver or `doi:` prefix: `https://doi.org/10.1/X` and `10.1/x` are one DOI. */
export function normaliseDoi(doi: string): string {
  return doi
    .trim()
    .toLowerCase()
    .replace(/^(https?:\/\/)?(dx\.)?doi\.org\//, '')
    .replace(/^doi:\s*/, '');
}

/** Letters and digits of the title, lower-cased and single-spaced: punctuation and case do not matter. */
export function normaliseTitle(title: string): string {
  return title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const titleKey = (title: string, year: number) => `t:${year}:${normaliseTitle(title)}`;

/** The key a reference is matched by: its paper id, else its DOI, else its title and year. */
export function referenceKey(reference: Reference): string {
  if (typeof reference === 'string') return `i:${reference}`;
  if ('doi' in reference) return `d:${normaliseDoi(reference.doi)}`;
  return titleKey(reference.title, reference.year);
}

/** The keys other papers' references can name a paper by, besides its id: its DOI and its title with year. */
export function ownReferenceKeys(paper: { title: string; year: number; doi?: string }): string[] {
  const keys = [titleKey(paper.title, paper.year)];
  if (paper.doi) keys.unshift(`d:${normaliseDoi(paper.doi)}`);
  return keys;
}

/** The distinct reference keys of a list, in first-listed order (parsed lists often repeat an entry). */
export function referenceKeys(references: Reference[] | undefined): string[] {
  return [...new Set((references ?? []).map(referenceKey))];
}

/** Positions of the references that name the paper itself (by id, DOI, or title and year). */
export function selfReferences(paper: {
  id: string;
  title: string;
  year: number;
  doi?: string;
  references?: Reference[];
}): number[] {
  const own = new Set([`i:${paper.id}`, ...ownReferenceKeys(paper)]);
  return (paper.references ?? []).flatMap((reference, i) => (own.has(referenceKey(reference)) ? [i] : []));
}

/** A paper's citation links among stored papers: the papers it cites and the papers citing it. */
export type CitationLinks = { cites: string[]; citedBy: string[] };

/** What the paper index keeps of each paper so that searches can be filtered. */
export type PaperMeta = { year: number; venue: string; authorIds: string[] };

export type PaperFilters = {
  yearFrom?: number;
  yearTo?: number;
  /** Venue acronyms; a paper matches when one of its '+'-joined venues is listed (case-insensitive). */
  venues?: string[];
  excludeIds?: string[];
  excludeAuthorIds?: string[];
};

export function venueParts(venue: string): string[] {
  return venue
    .toLowerCase()
    .split('+')
    .map((part) => part.trim())
    .filter(Boolean);
}

/** A predicate over index metadata, or undefined when nothing is filtered. */
export function paperFilter(filters: PaperFilters): ((id: string, meta: PaperMeta) => boolean) | undefined {
  const venues = filters.venues?.length ? new Set(filters.venues.map((v) => v.toLowerCase())) : null;
  const excludedIds = filters.excludeIds?.length ? new Set(filters.excludeIds) : null;
  const excludedAuthors = filters.excludeAuthorIds?.length ? new Set(filters.excludeAuthorIds) : null;
  const { yearFrom, yearTo } = filters;
  if (!venues && !excludedIds && !excludedAuthors && yearFrom === undefined && yearTo === undefined)
    return undefined;
  return (id, meta) => {
    if (yearFrom !== undefined && meta.year < yearFrom) return false;
    if (yearTo !== undefined && meta.year > yearTo) return false;
    if (excludedIds?.has(id)) return false;
    if (venues && !venueParts(meta.venue).some((part) => venues.has(part))) return false;
    if (excludedAuthors && meta.authorIds.some((author) => excludedAuthors.has(author))) return false;
    return true;
  };
}

/** Year range (and, where a search takes it, venues) for paper lists. */
export type PaperFilters = { yearFrom: string; yearTo: string; venues: string };

export const NO_FILTERS: PaperFilters = { yearFrom: '', yearTo: '', venues: '' };

/** The filters as the API takes them: numbers for years, a list of venues; blank fields left out. */
export function filterQuery(filters: PaperFilters): {
  yearFrom?: number;
  yearTo?: number;
  venues?: string[];
} {
  const year = (text: string) => (/^\d{4}$/.test(text.trim()) ? Number(text.trim()) : undefined);
  const venues = filters.venues
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  return {
    ...(year(filters.yearFrom) === undefined ? {} : { yearFrom: year(filters.yearFrom) }),
    ...(year(filters.yearTo) === undefined ? {} : { yearTo: year(filters.yearTo) }),
    ...(venues.length ? { venues } : {}),
  };
}

export function FilterFields({
  filters,
  onChange,
  venues = true,
}: {
  filters: PaperFilters;
  onChange: (filters: PaperFilters) => void;
  venues?: boolean;
}) {
  const field = (name: keyof PaperFilters, label: string, props: Record<string, string>) => (
    <label class="field">
      {label}
      <input
        name={name}
        value={filters[name]}
        onInput={(e) => onChange({ ...filters, [name]: e.currentTarget.value })}
        {...props}
      />
    </label>
  );
  return (
    <fieldset class="filters">
      <legend>Filters</legend>
      {field('yearFrom', 'From year', { inputMode: 'numeric', placeholder: 'e.g. 2019', size: '6' })}
      {field('yearTo', 'To year', { inputMode: 'numeric', placeholder: 'e.g. 2024', size: '6' })}
      {venues && field('venues', 'Venues', { placeholder: 'e.g. ACL, EMNLP' })}
    </fieldset>
  );
}

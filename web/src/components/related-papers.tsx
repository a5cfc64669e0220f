import { useState } from 'preact/hooks';
import { api, flag, ok } from '../api/client.ts';
import { PaperList } from './papers.tsx';
import { Show, useApi, useDebounced } from './status.tsx';
import { FilterFields, filterQuery, NO_FILTERS } from './year-filters.tsx';

/** Papers near the researcher's interests that they did not write (nor cite). */
export function RelatedPapers({ id }: { id: string }) {
  const [filters, setFilters] = useState(NO_FILTERS);
  const [excludeSeen, setExcludeSeen] = useState(false);
  const asked = useDebounced(filters, 300);
  const [state, retry] = useApi(() => {
    const { yearFrom, yearTo } = filterQuery(asked);
    return ok(
      api.GET('/v1/researchers/{id}/related-papers', {
        params: { path: { id }, query: { limit: 20, excludeSeen: flag(excludeSeen), yearFrom, yearTo } },
      }),
    );
  }, [id, asked, excludeSeen]);
  return (
    <div>
      <form class="panel controls" onSubmit={(e) => e.preventDefault()}>
        <FilterFields filters={filters} onChange={setFilters} venues={false} />
        <label class="toggle">
          <input
            type="checkbox"
            checked={excludeSeen}
            onChange={(e) => setExcludeSeen(e.currentTarget.checked)}
          />
          Also leave out co-authors' papers
        </label>
      </form>
      <Show state={state} what="related papers" retry={retry}>
        {(page) => (
          <div class="panel">
            <PaperList items={page.items} empty="No related papers with these filters." />
          </div>
        )}
      </Show>
    </div>
  );
}

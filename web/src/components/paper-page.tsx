import { useState } from 'preact/hooks';
import { api, flag, ok, type PaperRecord } from '../api/client.ts';
import { Authors, Chips, PaperList } from './papers.tsx';
import { Show, useApi, useDebounced } from './status.tsx';
import { FilterFields, filterQuery, NO_FILTERS } from './year-filters.tsx';

const LINKS_PAGE = 10;

/** A paper: its record, similar papers (with filters), and the stored papers it cites and that cite it. */
export function PaperPage({ id }: { id: string }) {
  const [state, retry] = useApi(() => ok(api.GET('/v1/papers/{id}', { params: { path: { id } } })), [id]);
  return (
    <Show state={state} what="the paper" retry={retry}>
      {(paper) => (
        <article class="paper-page" aria-labelledby="paper-title">
          <header class="panel">
            <h1 id="paper-title">{paper.title}</h1>
            <p class="muted">
              {paper.year}
              {paper.venue ? ` · ${paper.venue}` : ''}
              {paper.doi ? ` · doi ${paper.doi}` : ''}
            </p>
            <p>
              <Authors authors={paper.authors} />
            </p>
            <p class="abstract">{paper.abstract}</p>
            {paper.keywords && paper.keywords.length > 0 && <Chips words={paper.keywords} />}
          </header>
          <div class="overview">
            <SimilarToPaper id={id} />
            <aside class="side">
              <CitationLinks paper={paper} direction="references" />
              <CitationLinks paper={paper} direction="citations" />
            </aside>
          </div>
        </article>
      )}
    </Show>
  );
}

function SimilarToPaper({ id }: { id: string }) {
  const [filters, setFilters] = useState(NO_FILTERS);
  const [excludeSameAuthors, setExcludeSameAuthors] = useState(false);
  const asked = useDebounced(filters, 300);
  const [state, retry] = useApi(() => {
    const { yearFrom, yearTo, venues } = filterQuery(asked);
    return ok(
      api.GET('/v1/papers/{id}/similar', {
        params: {
          path: { id },
          query: {
            limit: 10,
            yearFrom,
            yearTo,
            excludeSameAuthors: flag(excludeSameAuthors),
            ...(venues ? { venue: venues.join(',') } : {}),
          },
        },
      }),
    );
  }, [id, asked, excludeSameAuthors]);
  return (
    <section class="panel" aria-labelledby="similar-title">
      <h2 id="similar-title">Similar papers</h2>
      <form class="controls" onSubmit={(e) => e.preventDefault()}>
        <FilterFields filters={filters} onChange={setFilters} />
        <label class="toggle">
          <input
            type="checkbox"
            checked={excludeSameAuthors}
            onChange={(e) => setExcludeSameAuthors(e.currentTarget.checked)}
          />
          Leave out papers by the same authors
        </label>
      </form>
      <Show state={state} what="similar papers" retry={retry}>
        {(page) => <PaperList items={page.items} empty="No similar papers with these filters." />}
      </Show>
    </section>
  );
}

function CitationLinks({ paper, direction }: { paper: PaperRecord; direction: 'references' | 'citations' }) {
  const [offset, setOffset] = useState(0);
  const count = direction === 'references' ? paper.counts.referencesInStore : paper.counts.citations;
  const title = direction === 'references' ? 'References in the store' : 'Cited by';
  const [state, retry] = useApi(
    () =>
      count === 0
        ? Promise.resolve(null)
        : ok(
            api.GET(direction === 'references' ? '/v1/papers/{id}/references' : '/v1/papers/{id}/citations', {
              params: { path: { id: paper.id }, query: { limit: LINKS_PAGE, offset } },
            }),
          ),
    [paper.id, direction, offset, count],
  );
  return (
    <section class="panel" aria-label={title}>
      <h2>
        {title} ({count})
      </h2>
      {direction === 'references' && paper.counts.references > paper.counts.referencesInStore && (
        <p class="muted">{paper.counts.references} references listed; the others are not stored here.</p>
      )}
      <Show state={state} what={title.toLowerCase()} retry={retry}>
        {(page) => (
          <PaperList
            items={(page?.items ?? []).map((paper) => ({ paper }))}
            empty="None."
            paging={
              page
                ? { offset, limit: LINKS_PAGE, nextOffset: page.page.nextOffset, onChange: setOffset }
                : undefined
            }
          />
        )}
      </Show>
    </section>
  );
}

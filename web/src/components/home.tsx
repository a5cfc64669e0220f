import { useState } from 'preact/hooks';
import { api, ok, type Researcher } from '../api/client.ts';
import { hrefOf, researcherHref } from '../router.ts';
import { Pager } from './pager.tsx';
import { Empty, Show, useApi } from './status.tsx';

const PAGE = 24;

/** The landing page: browse researchers, or go to the pasted-abstract search. */
export function Home() {
  const [offset, setOffset] = useState(0);
  const [state, retry] = useApi(
    () => ok(api.GET('/v1/researchers', { params: { query: { limit: PAGE, offset } } })),
    [offset],
  );
  return (
    <section class="panel" aria-labelledby="home-title">
      <h1 id="home-title">Find collaborators and papers</h1>
      <p>
        Search a researcher by name above to see their works, suggested collaborators with the evidence for
        each, and their research graph — or <a href={hrefOf({ page: 'similar' })}>paste an abstract</a> to
        find similar papers and the people working on them.
      </p>
      <h2>Researchers</h2>
      <Show state={state} what="researchers" retry={retry}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty>The store has no researchers yet: import papers or load the seeds.</Empty>
          ) : (
            <>
              <ul class="card-grid">
                {page.items.map((r: Researcher) => (
                  <li key={r.id} class="card">
                    <a href={researcherHref(r.id)}>{r.name}</a>
                    <span class="muted">{r.affiliations[0] ?? ''}</span>
                    <span class="badges">
                      {r.claimed && <span class="badge">claimed</span>}
                      {r.openToCollaborate && <span class="badge good">open to collaborate</span>}
                    </span>
                  </li>
                ))}
              </ul>
              <Pager offset={offset} limit={PAGE} nextOffset={page.page.nextOffset} onChange={setOffset} />
            </>
          )
        }
      </Show>
    </section>
  );
}

import { useState } from 'preact/hooks';
import { api, ok } from '../api/client.ts';
import { researcherHref } from '../router.ts';
import { PaperList, ScoreBar } from './papers.tsx';
import { Empty, Show, useApi } from './status.tsx';
import { FilterFields, filterQuery, NO_FILTERS } from './year-filters.tsx';

type Asked = { text: string; filters: typeof NO_FILTERS } | null;

/** Paste an abstract (or any text): the most similar papers, and the people working closest to it. */
export function SimilarSearch({ initialText }: { initialText: string }) {
  const [text, setText] = useState(initialText);
  const [filters, setFilters] = useState(NO_FILTERS);
  const [asked, setAsked] = useState<Asked>(initialText ? { text: initialText, filters: NO_FILTERS } : null);

  return (
    <section class="similar-search" aria-labelledby="similar-search-title">
      <form
        class="panel"
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim()) setAsked({ text: text.trim(), filters });
        }}
      >
        <h1 id="similar-search-title">Similar papers for any text</h1>
        <label for="abstract">Paste an abstract, a title or a few sentences</label>
        <textarea
          id="abstract"
          rows={7}
          maxLength={20_000}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <FilterFields filters={filters} onChange={setFilters} />
        <div class="actions">
          <button type="submit" class="primary" disabled={!text.trim()}>
            Find similar papers
          </button>
        </div>
      </form>
      {asked && (
        <div class="overview">
          <SimilarPapers asked={asked} />
          <aside class="side">
            <PeopleForText text={asked.text} />
          </aside>
        </div>
      )}
    </section>
  );
}

function SimilarPapers({ asked }: { asked: NonNullable<Asked> }) {
  const [state, retry] = useApi(
    () =>
      ok(
        api.POST('/v1/papers/similar', {
          body: { abstract: asked.text, limit: 20, filters: filterQuery(asked.filters) },
        }),
      ),
    [asked],
  );
  return (
    <section class="panel" aria-labelledby="similar-results-title">
      <h2 id="similar-results-title">Similar papers</h2>
      <Show state={state} what="similar papers" retry={retry}>
        {(page) => (
          <PaperList items={page.items} empty="No paper matches these filters." testId="similar-results" />
        )}
      </Show>
    </section>
  );
}

/** Cold start: people ranked by topic alone for the text (a newcomer's first abstract works too). */
function PeopleForText({ text }: { text: string }) {
  const [state, retry] = useApi(
    () => ok(api.POST('/v1/collaborators/suggest', { body: { text, options: { limit: 8 } } })),
    [text],
  );
  return (
    <section class="panel" aria-labelledby="people-title">
      <h2 id="people-title">People working on this</h2>
      <Show state={state} what="people" retry={retry}>
        {(answer) =>
          answer.items.length === 0 ? (
            <Empty>Nobody close enough yet.</Empty>
          ) : (
            <ul class="people">
              {answer.items.map((s) => (
                <li key={s.researcher.id}>
                  <a href={researcherHref(s.researcher.id)}>{s.researcher.name}</a>{' '}
                  <ScoreBar score={s.score} label="match score" />
                  {s.evidence.sharedTopics.length > 0 && (
                    <span class="muted"> · {s.evidence.sharedTopics.slice(0, 3).join(', ')}</span>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
}

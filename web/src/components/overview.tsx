import { useState } from 'preact/hooks';
import { api, ok, type Profile } from '../api/client.ts';
import { researcherHref } from '../router.ts';
import { Chips, PaperList } from './papers.tsx';
import { Empty, Show, useApi } from './status.tsx';

const WORKS_PAGE = 10;

/** Works (newest first), topics, close collaborators and who cites them. */
export function Overview({ profile }: { profile: Profile }) {
  const [offset, setOffset] = useState(0);
  const [works, retry] = useApi(
    () =>
      ok(
        api.GET('/v1/researchers/{id}/papers', {
          params: { path: { id: profile.id }, query: { limit: WORKS_PAGE, offset } },
        }),
      ),
    [profile.id, offset],
  );
  return (
    <div class="overview">
      <section class="panel works" aria-labelledby="works-title">
        <h2 id="works-title">Works</h2>
        <Show state={works} what="works" retry={retry}>
          {(page) => (
            <PaperList
              items={page.items.map((paper) => ({ paper }))}
              empty="No works stored."
              paging={{ offset, limit: WORKS_PAGE, nextOffset: page.page.nextOffset, onChange: setOffset }}
            />
          )}
        </Show>
      </section>
      <aside class="side">
        <section class="panel" aria-labelledby="topics-title">
          <h2 id="topics-title">Topics</h2>
          {profile.topics.length === 0 ? <Empty>No topics yet.</Empty> : <Chips words={profile.topics} />}
          {profile.interests && <p class="interests">{profile.interests}</p>}
        </section>
        <section class="panel" aria-labelledby="collaborators-title">
          <h2 id="collaborators-title">Close collaborators</h2>
          {profile.closeCollaborators.length === 0 ? (
            <Empty>No co-authors in the store.</Empty>
          ) : (
            <ul class="people">
              {profile.closeCollaborators.map((c) => (
                <li key={c.id}>
                  <a href={researcherHref(c.id)}>{c.name}</a>
                  <span class="muted">
                    {' '}
                    {c.jointPapers} joint {c.jointPapers === 1 ? 'paper' : 'papers'}, latest {c.latestYear}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
        {profile.citations.mostCitedBy.length > 0 && (
          <section class="panel" aria-labelledby="cited-by-title">
            <h2 id="cited-by-title">Most cited by</h2>
            <ul class="people">
              {profile.citations.mostCitedBy.map((c) => (
                <li key={c.id}>
                  <a href={researcherHref(c.id)}>{c.name}</a>
                  <span class="muted"> {c.citations} citations</span>
                </li>
              ))}
            </ul>
          </section>
        )}
      </aside>
    </div>
  );
}

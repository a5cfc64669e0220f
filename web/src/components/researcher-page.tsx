import { useState } from 'preact/hooks';
import { api, asResearcher, ok, type Profile } from '../api/client.ts';
import { RESEARCHER_TABS, type ResearcherTab, researcherHref } from '../router.ts';
import { useSession } from '../session.ts';
import { Inbox } from './inbox.tsx';
import { Overview } from './overview.tsx';
import { RelatedPapers } from './related-papers.tsx';
import { ResearchGraph } from './research-graph.tsx';
import { Show, useApi } from './status.tsx';
import { Suggestions } from './suggestions.tsx';

const TAB_NAMES: Record<ResearcherTab, string> = {
  overview: 'Overview',
  suggestions: 'Suggested collaborators',
  graph: 'Research graph',
  related: 'Related papers',
  inbox: 'Inbox',
};

/** A researcher's page: who they are, then one tab at a time. */
export function ResearcherPage({ id, tab }: { id: string; tab: ResearcherTab }) {
  const [state, retry] = useApi(
    () => ok(api.GET('/v1/researchers/{id}', { params: { path: { id } } })),
    [id],
  );
  return (
    <Show state={state} what="the researcher" retry={retry}>
      {(profile) => (
        <article class="researcher" aria-labelledby="researcher-name">
          <ProfileHeader profile={profile} />
          <nav class="tabs" aria-label="Researcher sections">
            {RESEARCHER_TABS.map((t) => (
              <a key={t} href={researcherHref(id, t)} aria-current={t === tab ? 'page' : undefined}>
                {TAB_NAMES[t]}
              </a>
            ))}
          </nav>
          <section class="tab-panel" aria-label={TAB_NAMES[tab]}>
            {tab === 'overview' && <Overview profile={profile} />}
            {tab === 'suggestions' && <Suggestions id={id} />}
            {tab === 'graph' && <ResearchGraph id={id} />}
            {tab === 'related' && <RelatedPapers id={id} />}
            {tab === 'inbox' && <Inbox id={id} />}
          </section>
        </article>
      )}
    </Show>
  );
}

function ProfileHeader({ profile }: { profile: Profile }) {
  const [followers, setFollowers] = useState(profile.counts.followers);
  return (
    <header class="profile-header panel">
      <div>
        <h1 id="researcher-name">{profile.name}</h1>
        {profile.affiliations.length > 0 && <p class="muted">{profile.affiliations.join(' · ')}</p>}
        <p class="badges">
          <span class={profile.claimed ? 'badge' : 'badge muted'}>
            {profile.claimed ? 'claimed' : 'unclaimed record'}
          </span>
          {profile.openToCollaborate ? (
            <span class="badge good">open to collaborate</span>
          ) : (
            <span class="badge muted">not open to collaborate</span>
          )}
          <span class="badge" title="Verification level set by the platform (0–5)">
            verification {profile.verificationLevel}
          </span>
        </p>
      </div>
      <dl class="counts">
        <div>
          <dt>papers</dt>
          <dd>{profile.counts.papers}</dd>
        </div>
        <div>
          <dt>co-authors</dt>
          <dd>{profile.counts.coauthors}</dd>
        </div>
        <div>
          <dt>followers</dt>
          <dd data-testid="followers">{followers}</dd>
        </div>
        <div>
          <dt>citations</dt>
          <dd>{profile.citations.received}</dd>
        </div>
      </dl>
      <FollowButton id={profile.id} onFollowers={setFollowers} />
    </header>
  );
}

/** Follow / unfollow as the signed-in researcher (needs their token; not shown on their own page). */
function FollowButton({ id, onFollowers }: { id: string; onFollowers: (n: number) => void }) {
  const { me } = useSession();
  const [following, setFollowing] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  if (!me || me === id) return null;
  const toggle = async () => {
    setProblem(null);
    try {
      const params = { params: { path: { id, followerId: me } } };
      const answer = await ok(
        following
          ? asResearcher.DELETE('/v1/researchers/{id}/followers/{followerId}', params)
          : asResearcher.PUT('/v1/researchers/{id}/followers/{followerId}', params),
      );
      setFollowing(!following);
      onFollowers(answer.followers);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };
  return (
    <div class="follow">
      <button type="button" class={following ? '' : 'primary'} aria-pressed={following} onClick={toggle}>
        {following ? 'Following' : 'Follow'}
      </button>
      {problem && (
        <p class="error-text" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}

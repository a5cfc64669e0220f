import { useMemo, useState } from 'preact/hooks';
import { Home } from './components/home.tsx';
import { PaperPage } from './components/paper-page.tsx';
import { ResearcherPage } from './components/researcher-page.tsx';
import { SearchBox } from './components/search-box.tsx';
import { SignIn } from './components/sign-in.tsx';
import { SimilarSearch } from './components/similar-search.tsx';
import { hrefOf, researcherHref, useRoute } from './router.ts';
import {
  type Credentials,
  researcherOfToken,
  type Session,
  SessionContext,
  storeCredentials,
  storedCredentials,
} from './session.ts';

export function App() {
  const [credentials, setCredentials] = useState<Credentials>(storedCredentials);
  const route = useRoute();
  const session = useMemo<Session>(
    () => ({
      credentials,
      me: researcherOfToken(credentials.researcherToken),
      signIn(next) {
        storeCredentials(next);
        setCredentials(next);
      },
      signOut() {
        const none = { apiKey: null, researcherToken: null };
        storeCredentials(none);
        setCredentials(none);
      },
    }),
    [credentials],
  );
  const signedIn = Boolean(credentials.apiKey || credentials.researcherToken);

  return (
    <SessionContext.Provider value={session}>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top-bar">
        <a class="brand" href={hrefOf({ page: 'home' })}>
          PeerScout <span>explorer</span>
        </a>
        {signedIn && <SearchBox />}
        <nav aria-label="Account">
          {signedIn && <a href={hrefOf({ page: 'similar' })}>Similar papers</a>}
          {session.me && <a href={researcherHref(session.me, 'inbox')}>My inbox</a>}
          <a href={hrefOf({ page: 'sign-in' })}>{signedIn ? 'Credentials' : 'Sign in'}</a>
        </nav>
      </header>
      <main id="main">
        {!signedIn || route.page === 'sign-in' ? (
          <SignIn />
        ) : route.page === 'researcher' ? (
          <ResearcherPage key={route.id} id={route.id} tab={route.tab} />
        ) : route.page === 'paper' ? (
          <PaperPage key={route.id} id={route.id} />
        ) : route.page === 'similar' ? (
          <SimilarSearch key={route.text ?? ''} initialText={route.text ?? ''} />
        ) : (
          <Home />
        )}
      </main>
      <footer class="footer">
        Data: ACL Anthology (CC BY 4.0) and the platform's own records · <a href="/docs">API documentation</a>
      </footer>
    </SessionContext.Provider>
  );
}

import { useState } from 'preact/hooks';
import { navigate } from '../router.ts';
import { researcherOfToken, useSession } from '../session.ts';

/** Sign in with a platform API key and, for an inbox, a researcher token (both stay in this tab). */
export function SignIn() {
  const session = useSession();
  const [apiKey, setApiKey] = useState(session.credentials.apiKey ?? '');
  const [token, setToken] = useState(session.credentials.researcherToken ?? '');
  const tokenResearcher = researcherOfToken(token.trim() || null);

  const submit = (event: Event) => {
    event.preventDefault();
    session.signIn({ apiKey: apiKey.trim() || null, researcherToken: token.trim() || null });
    navigate(tokenResearcher ? { page: 'researcher', id: tokenResearcher, tab: 'inbox' } : { page: 'home' });
  };

  return (
    <section class="panel sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in to the explorer</h1>
      <p>
        The explorer calls PeerScout's API with your credentials; they are kept in this browser tab only and
        sent to nothing but this server.
      </p>
      <form onSubmit={submit}>
        <label for="api-key">Platform API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          value={apiKey}
          onInput={(e) => setApiKey(e.currentTarget.value)}
        />
        <p class="hint">
          For browsing (search, profiles, suggestions, papers, graph): a key with the <code>read</code> scope.
          A local <code>npm start</code> prints its admin key and keeps it in <code>data/dev-api-key</code>.
        </p>
        <label for="researcher-token">Researcher token (optional)</label>
        <textarea
          id="researcher-token"
          name="researcher-token"
          rows={3}
          spellcheck={false}
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
        />
        <p class="hint">
          To act as a researcher: their inbox, sending and answering invitations, following.{' '}
          <code>npm run researcher-token -- &lt;researcher id&gt;</code> mints one.
          {tokenResearcher && (
            <>
              {' '}
              This token names <strong>{tokenResearcher}</strong>.
            </>
          )}
        </p>
        <div class="actions">
          <button type="submit" class="primary" disabled={!apiKey.trim() && !token.trim()}>
            Sign in
          </button>
          {(session.credentials.apiKey || session.credentials.researcherToken) && (
            <button type="button" onClick={() => session.signOut()}>
              Sign out
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

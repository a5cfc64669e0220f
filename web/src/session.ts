import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

/**
 * What the user signed in with: a platform API key (browsing: search, profiles, suggestions, papers)
 * and, optionally, a researcher token (acting as that researcher: inbox, invitations, follow). Kept in
 * sessionStorage, so closing the tab signs out; sent only to this origin's API.
 */
export type Credentials = { apiKey: string | null; researcherToken: string | null };

const STORAGE_KEY = 'peerscout.explorer.credentials';
const SIGNED_OUT: Credentials = { apiKey: null, researcherToken: null };

export function storedCredentials(): Credentials {
  try {
    const parsed = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<Credentials> | null;
    return {
      apiKey: typeof parsed?.apiKey === 'string' ? parsed.apiKey : null,
      researcherToken: typeof parsed?.researcherToken === 'string' ? parsed.researcherToken : null,
    };
  } catch {
    return SIGNED_OUT;
  }
}

export function storeCredentials(credentials: Credentials): void {
  if (!credentials.apiKey && !credentials.researcherToken) sessionStorage.removeItem(STORAGE_KEY);
  else sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
}

/**
 * The researcher a token names (its `sub`), read without checking the signature: only to label the
 * page and address the inbox; the API verifies the token on every call.
 */
export function researcherOfToken(token: string | null): string | null {
  const payload = token?.split('.')[1];
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '='))) as {
      sub?: unknown;
    };
    return typeof claims.sub === 'string' ? claims.sub : null;
  } catch {
    return null;
  }
}

export type Session = {
  credentials: Credentials;
  /** The researcher the token acts for, when there is one. */
  me: string | null;
  signIn(credentials: Credentials): void;
  signOut(): void;
};

export const SessionContext = createContext<Session>({
  credentials: SIGNED_OUT,
  me: null,
  signIn: () => {},
  signOut: () => {},
});

export const useSession = (): Session => useContext(SessionContext);

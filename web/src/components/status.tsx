import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client.ts';
import { hrefOf } from '../router.ts';

export type Loadable<T> =
  | { status: 'loading' }
  | { status: 'ok'; data: T; refreshing: boolean }
  | { status: 'error'; error: ApiError };

/**
 * Loads data whenever `deps` change; an answer to an older request never overwrites a newer one.
 * While a new answer is on its way the previous one stays on screen, marked `refreshing` (a moved
 * slider re-ranks the list in place). `reload` asks again with the same inputs (after an action).
 */
export function useApi<T>(load: () => Promise<T>, deps: unknown[]): [Loadable<T>, () => void] {
  const [state, setState] = useState<Loadable<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const request = ++latest.current;
    setState((previous) =>
      previous.status === 'ok' ? { ...previous, refreshing: true } : { status: 'loading' },
    );
    load().then(
      (data) => request === latest.current && setState({ status: 'ok', data, refreshing: false }),
      (error: unknown) =>
        request === latest.current &&
        setState({ status: 'error', error: error instanceof ApiError ? error : unexpected(error) }),
    );
  }, [...deps, generation]);
  return [state, () => setGeneration((g) => g + 1)];
}

function unexpected(error: unknown): ApiError {
  return new ApiError(0, 'client_error', error instanceof Error ? error.message : String(error));
}

/** The value, once it has stopped changing for `ms` (sliders and type-ahead ask once per pause). */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="status loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" /> Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="status empty">{children}</p>;
}

/** What went wrong, in words a user can act on: sign in again, ask for another key, wait, retry. */
export function ErrorView({ error, retry }: { error: ApiError; retry?: () => void }) {
  const advice = adviceFor(error);
  return (
    <div class="status error" role="alert" data-status={error.status}>
      <strong>{advice.title}</strong>
      <p>{error.message}</p>
      {advice.hint && <p class="hint">{advice.hint}</p>}
      <p class="actions">
        {error.status === 401 && <a href={hrefOf({ page: 'sign-in' })}>Sign in</a>}
        {retry && error.status !== 401 && error.status !== 403 && (
          <button type="button" onClick={retry}>
            Try again
          </button>
        )}
      </p>
      {error.requestId && <p class="request-id">Request id {error.requestId}</p>}
    </div>
  );
}

function adviceFor(error: ApiError): { title: string; hint?: string } {
  switch (error.status) {
    case 0:
      return { title: 'No answer from PeerScout', hint: 'Check that the API is running, then try again.' };
    case 401:
      return { title: 'Sign-in needed', hint: 'Your key or token was refused, has expired, or is missing.' };
    case 403:
      return {
        title: 'Not allowed with this credential',
        hint: 'A researcher token reaches only its own inbox; browsing needs a platform key with the read scope.',
      };
    case 404:
      return { title: 'Not found' };
    case 429:
      return {
        title: 'Too many requests',
        hint: `This credential's budget is spent for now${error.retryAfterSeconds ? `; try again in ${error.retryAfterSeconds} s` : ''}.`,
      };
    default:
      return { title: error.status >= 500 ? 'PeerScout could not answer' : 'The request was refused' };
  }
}

/** Renders a loadable: loading, error or the data. */
export function Show<T>({
  state,
  what,
  retry,
  children,
}: {
  state: Loadable<T>;
  what: string;
  retry?: () => void;
  children: (data: T) => ComponentChildren;
}) {
  if (state.status === 'loading') return <Loading what={what} />;
  if (state.status === 'error') return <ErrorView error={state.error} retry={retry} />;
  return <>{children(state.data)}</>;
}

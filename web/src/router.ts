import { useEffect, useState } from 'preact/hooks';

/** The explorer's pages, addressed by the URL's hash so that any page can be linked and reloaded. */
export const RESEARCHER_TABS = ['overview', 'suggestions', 'graph', 'related', 'inbox'] as const;
export type ResearcherTab = (typeof RESEARCHER_TABS)[number];

export type Route =
  | { page: 'home' }
  | { page: 'sign-in' }
  | { page: 'similar'; text?: string }
  | { page: 'researcher'; id: string; tab: ResearcherTab }
  | { page: 'paper'; id: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const [page, id, tab] = parts;
  if (page === 'researcher' && id) {
    const known = RESEARCHER_TABS.find((t) => t === tab);
    return { page, id, tab: known ?? 'overview' };
  }
  if (page === 'paper' && id) return { page, id };
  if (page === 'similar') return id ? { page, text: id } : { page };
  if (page === 'sign-in') return { page };
  return { page: 'home' };
}

export function hrefOf(route: Route): string {
  switch (route.page) {
    case 'researcher':
      return `#/researcher/${encodeURIComponent(route.id)}/${route.tab}`;
    case 'paper':
      return `#/paper/${encodeURIComponent(route.id)}`;
    case 'home':
      return '#/';
    case 'similar':
      return route.text ? `#/similar/${encodeURIComponent(route.text)}` : '#/similar';
    default:
      return `#/${route.page}`;
  }
}

export const researcherHref = (id: string, tab: ResearcherTab = 'overview') =>
  hrefOf({ page: 'researcher', id, tab });
export const paperHref = (id: string) => hrefOf({ page: 'paper', id });

export function navigate(route: Route): void {
  location.hash = hrefOf(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

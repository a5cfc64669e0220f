import { useState } from 'preact/hooks';
import { ApiError, asResearcher, type Invitation, ok } from '../api/client.ts';
import { researcherHref } from '../router.ts';
import { useSession } from '../session.ts';
import { Empty, ErrorView, Show, useApi } from './status.tsx';

type Box = 'inbox' | 'incoming';
type Action = 'send' | 'dismiss' | 'accept' | 'decline';
type Status = Invitation['status'];

const STATUS_ORDER: Status[] = [
  'pending',
  'snoozed',
  'sent',
  'accepted',
  'declined',
  'dismissed',
  'withdrawn',
];
const STATUS_NAMES: Record<Status, string> = {
  pending: 'Waiting for you',
  snoozed: 'Snoozed',
  sent: 'Sent',
  accepted: 'Accepted',
  declined: 'Declined',
  dismissed: 'Dismissed',
  withdrawn: 'Withdrawn',
};
const DONE: Record<Action | 'snooze', string> = {
  send: 'sent',
  dismiss: 'dismissed',
  accept: 'accepted',
  decline: 'declined',
  snooze: 'snoozed',
};
const SNOOZE_DAYS = 7;

/**
 * The researcher's invitation suggestions (send, dismiss, snooze) and the invitations others sent them
 * (accept, decline). Calls go out with the researcher token when there is one.
 */
export function Inbox({ id }: { id: string }) {
  const { me, credentials } = useSession();
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const load = (box: Box) =>
    ok(
      asResearcher.GET('/v1/researchers/{id}/invitations', {
        params: { path: { id }, query: { box, limit: 100 } },
      }),
    );
  const [suggested, reloadSuggested] = useApi(() => load('inbox'), [id]);
  const [incoming, reloadIncoming] = useApi(() => load('incoming'), [id]);

  const act = async (invitation: Invitation, action: Action | 'snooze') => {
    setFailure(null);
    setNotice(null);
    try {
      const path = { id: invitation.id };
      if (action === 'snooze') {
        const until = new Date(Date.now() + SNOOZE_DAYS * 86_400_000).toISOString();
        await ok(asResearcher.POST('/v1/invitations/{id}/snooze', { params: { path }, body: { until } }));
      } else {
        await ok(
          asResearcher.POST('/v1/invitations/{id}/{action}', {
            params: { path: { ...path, action } },
            body: {},
          }),
        );
      }
      setNotice(`${invitation.candidateName ?? invitation.candidate}: ${DONE[action]}.`);
      reloadSuggested();
      reloadIncoming();
    } catch (error) {
      setFailure(error instanceof ApiError ? error : new ApiError(0, 'client_error', String(error)));
    }
  };

  return (
    <div class="inbox">
      {!credentials.researcherToken && (
        <p class="hint panel">
          Signed in with a platform key: only an admin key may read or act on this inbox. Sign in with{' '}
          {me ? 'this researcher’s' : 'a researcher'} token to act as them.
        </p>
      )}
      <p role="status" aria-live="polite" class="notice">
        {notice}
      </p>
      {failure && <ErrorView error={failure} />}
      <section class="panel" aria-labelledby="suggested-title">
        <h2 id="suggested-title">Suggested invitations</h2>
        <Show state={suggested} what="your invitation suggestions" retry={reloadSuggested}>
          {(page) => <Grouped items={page.items} box="inbox" onAct={act} />}
        </Show>
      </section>
      <section class="panel" aria-labelledby="incoming-title">
        <h2 id="incoming-title">Invitations to you</h2>
        <Show state={incoming} what="invitations to you" retry={reloadIncoming}>
          {(page) => <Grouped items={page.items} box="incoming" onAct={act} />}
        </Show>
      </section>
    </div>
  );
}

function Grouped({
  items,
  box,
  onAct,
}: {
  items: Invitation[];
  box: Box;
  onAct: (invitation: Invitation, action: Action | 'snooze') => void;
}) {
  if (items.length === 0) {
    return (
      <Empty>
        {box === 'inbox'
          ? 'No suggestions yet: the weekly digest puts a few here for claimed researchers.'
          : 'Nobody has invited this researcher yet.'}
      </Empty>
    );
  }
  return (
    <>
      {STATUS_ORDER.map((status) => {
        const group = items.filter((i) => i.status === status);
        if (group.length === 0) return null;
        return (
          <div key={status} class="invitation-group" data-status={status}>
            <h3>
              {box === 'incoming' && status === 'sent' ? 'Waiting for your answer' : STATUS_NAMES[status]} (
              {group.length})
            </h3>
            <ul>
              {group.map((invitation) => (
                <InvitationItem key={invitation.id} invitation={invitation} box={box} onAct={onAct} />
              ))}
            </ul>
          </div>
        );
      })}
    </>
  );
}

function InvitationItem({
  invitation,
  box,
  onAct,
}: {
  invitation: Invitation;
  box: Box;
  onAct: (invitation: Invitation, action: Action | 'snooze') => void;
}) {
  const other = box === 'inbox' ? invitation.candidate : invitation.recipient;
  const name = box === 'inbox' ? (invitation.candidateName ?? other) : other;
  const topics = sharedTopicsOf(invitation.evidence);
  const open = invitation.status === 'pending' || invitation.status === 'snoozed';
  return (
    <li class="invitation" data-invitation={invitation.id}>
      <div>
        <a href={researcherHref(other)}>{name}</a>
        <span class="muted">
          {' '}
          · {invitation.period} · score {invitation.score.toFixed(2)}
          {invitation.snoozedUntil && invitation.status === 'snoozed'
            ? ` · until ${new Date(invitation.snoozedUntil).toLocaleDateString()}`
            : ''}
        </span>
        {topics.length > 0 && <p class="muted">Shared topics: {topics.join(', ')}</p>}
      </div>
      <div class="actions">
        {box === 'inbox' && open && (
          <>
            <button type="button" class="primary" onClick={() => onAct(invitation, 'send')}>
              Send
            </button>
            <button type="button" onClick={() => onAct(invitation, 'dismiss')}>
              Dismiss
            </button>
            {invitation.status === 'pending' && (
              <button type="button" onClick={() => onAct(invitation, 'snooze')}>
                Snooze {SNOOZE_DAYS} days
              </button>
            )}
          </>
        )}
        {box === 'incoming' && invitation.status === 'sent' && (
          <>
            <button type="button" class="primary" onClick={() => onAct(invitation, 'accept')}>
              Accept
            </button>
            <button type="button" onClick={() => onAct(invitation, 'decline')}>
              Decline
            </button>
          </>
        )}
      </div>
    </li>
  );
}

/** The digest stores the ranking's evidence with the invitation; its shared topics, when there. */
function sharedTopicsOf(evidence: unknown): string[] {
  const topics = (evidence as { sharedTopics?: unknown } | null)?.sharedTopics;
  return Array.isArray(topics) ? topics.filter((t): t is string => typeof t === 'string').slice(0, 4) : [];
}

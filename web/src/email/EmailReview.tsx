import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'wouter';
import { answer } from '../api/client.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { dateTime } from '../ui/format.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';

// People in captured emails who are neither contacts nor users: never made contacts on their
// own. Here someone decides: create the contact (the emails they were in land on its timeline)
// or ignore the address (never listed again).

export function EmailReview({ team }: { team: boolean }) {
  const { client } = useSession();
  const { editCrm } = useAbilities();
  const queryClient = useQueryClient();
  const key = ['email-review', team];
  const list = useQuery({
    queryKey: key,
    queryFn: () =>
      answer(
        client.GET('/email-review', { params: { query: { limit: 50, ...(team ? { team: 'true' } : {}) } } }),
      ),
  });
  const create = useMutation({
    mutationFn: (address: string) =>
      answer(client.POST('/email-review/{address}/contact', { params: { path: { address } }, body: {} })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['email-review'] }),
  });
  const ignore = useMutation({
    mutationFn: (address: string) =>
      answer(client.POST('/email-review/{address}/ignore', { params: { path: { address } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['email-review'] }),
  });
  const items = list.data?.items ?? [];
  if (list.isSuccess && items.length === 0 && !create.data) return null;
  return (
    <section aria-labelledby="email-review">
      <h2 id="email-review">People in your emails who are not contacts</h2>
      <ProblemAlert error={list.error} loading="the people to review" onRetry={() => void list.refetch()} />
      <ProblemAlert error={create.error} verb="created" />
      <ProblemAlert error={ignore.error} verb="ignored" />
      {create.data && (
        <p role="status">
          <Link href={`/contacts/${create.data.contact.id}`}>
            {create.data.contact.firstName} {create.data.contact.lastName ?? ''}
          </Link>{' '}
          is a contact now; {create.data.logged} email{create.data.logged === 1 ? ' is' : 's are'} on their
          timeline.
        </p>
      )}
      <ul className="email-review">
        {items.map((r) => (
          <li key={r.address}>
            <strong>{r.name ? `${r.name} <${r.address}>` : r.address}</strong>{' '}
            <span className="muted">
              in {r.emails} email{r.emails === 1 ? '' : 's'}, last “{r.lastSubject}” ({dateTime(r.lastSeenAt)}
              )
            </span>
            {editCrm && (
              <span className="actions">
                <button
                  type="button"
                  onClick={() => create.mutate(r.address)}
                  disabled={create.isPending || ignore.isPending}
                >
                  Create the contact<span className="visually-hidden"> {r.address}</span>
                </button>
                <button
                  type="button"
                  className="quiet"
                  onClick={() => ignore.mutate(r.address)}
                  disabled={create.isPending || ignore.isPending}
                >
                  Ignore<span className="visually-hidden"> {r.address}</span>
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

import { useQuery } from '@tanstack/react-query';
import { Redirect } from 'wouter';
import { answer } from '../api/client.js';
import { useSession } from '../app/session-context.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';

/** /tasks/<id> (a digest's link): the task, open on its project's page. */
export function TaskRedirect({ id }: { id: string }) {
  const { client } = useSession();
  const task = useQuery({
    queryKey: ['task', id],
    queryFn: () => answer(client.GET('/tasks/{id}', { params: { path: { id } } })),
  });
  if (task.isError) return <ProblemAlert error={task.error} />;
  if (!task.data) return <p aria-busy="true">Opening the task…</p>;
  return <Redirect to={`/projects/${task.data.projectId}?task=${id}`} replace />;
}

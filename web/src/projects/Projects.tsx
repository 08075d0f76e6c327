import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { answer } from '../api/client.js';
import { usePeople } from '../api/queries.js';
import { useSession } from '../app/session-context.js';
import { date } from '../ui/format.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';

const STATUSES = ['planned', 'active', 'on_hold', 'done', 'cancelled'] as const;

export function Projects() {
  const { client } = useSession();
  const { nameOf } = usePeople();
  const [status, setStatus] = useState<(typeof STATUSES)[number] | ''>('');
  const projects = useQuery({
    queryKey: ['projects', status],
    queryFn: () =>
      answer(client.GET('/projects', { params: { query: { limit: 100, ...(status ? { status } : {}) } } })),
  });
  return (
    <div>
      <div className="toolbar">
        <h1>Projects</h1>
        <label>
          Status{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </div>
      <ProblemAlert error={projects.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Project</th>
            <th scope="col">Status</th>
            <th scope="col">Owner</th>
            <th scope="col">Kickoff</th>
            <th scope="col">Finishes</th>
            <th scope="col">Promised</th>
          </tr>
        </thead>
        <tbody>
          {(projects.data?.items ?? []).map((p) => (
            <tr key={p.id}>
              <td>
                <Link href={`/projects/${p.id}`}>{p.name}</Link>
                {p.schedule.atRisk && <span className="badge late">At risk</span>}
              </td>
              <td>{p.status}</td>
              <td>{nameOf(p.ownerId)}</td>
              <td>{date(p.kickoffDate)}</td>
              <td>{p.schedule.projectedFinish ? date(p.schedule.projectedFinish) : '–'}</td>
              <td>{p.schedule.promisedDueDate ? date(p.schedule.promisedDueDate) : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

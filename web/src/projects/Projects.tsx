import { useState } from 'react';
import { Link } from 'wouter';
import { answer } from '../api/client.js';
import { useCursorPages } from '../api/paging.js';
import { usePeople } from '../api/queries.js';
import { useSession } from '../app/session-context.js';
import { date } from '../ui/format.js';
import { Pager } from '../ui/Pager.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';

const STATUSES = ['planned', 'active', 'on_hold', 'done', 'cancelled'] as const;

export function Projects() {
  const { client } = useSession();
  const { nameOf } = usePeople();
  const [status, setStatus] = useState<(typeof STATUSES)[number] | ''>('');
  const [size, setSize] = useState(25);
  const projects = useCursorPages({
    key: ['projects', status],
    limit: size,
    fetchPage: (cursor, limit) =>
      answer(
        client.GET('/projects', {
          params: { query: { limit, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) } },
        }),
      ),
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
      <ProblemAlert
        error={projects.query.error}
        loading="the projects"
        onRetry={() => void projects.query.refetch()}
      />
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
          {projects.items.map((p) => (
            <tr key={p.id} data-nav-item>
              <td>
                <Link href={`/projects/${p.id}`} data-nav-target>
                  {p.name}
                </Link>
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
      <Pager what="projects" pages={projects} size={size} onSize={setSize} />
    </div>
  );
}

import type { Schemas } from '../api/client.js';
import { usePeople } from '../api/queries.js';

// The choices several forms offer, written once: people of the team, pipelines. (Companies and
// contacts are searched with a picker, ui/pickers.tsx: a list of every one is never loaded.)

/** An <option> per person (only the active ones when `activeOnly`: a deactivated person can be shown, not chosen). */
export function PeopleOptions({ activeOnly = false, only }: { activeOnly?: boolean; only?: string }) {
  const { team } = usePeople();
  return (
    <>
      {team
        .filter((t) => (!activeOnly || t.active) && (only === undefined || t.id === only))
        .map((t) => (
          <option key={t.id} value={t.id}>
            {t.name ?? t.id}
          </option>
        ))}
    </>
  );
}

export function PipelineSelect({
  pipelines,
  value,
  onChange,
}: {
  pipelines: Schemas['Pipeline'][];
  value: string;
  onChange: (id: string) => void;
}) {
  return (
    <label>
      Pipeline{' '}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {pipelines.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </label>
  );
}

import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { Schemas } from '../api/client.js';
import { usePipelines } from '../api/queries.js';
import { useSession } from '../app/session-context.js';
import { Field } from '../ui/Field.js';
import { describeFailure } from '../ui/failure.js';
import { PersonPicker } from '../ui/pickers.js';
import { type BulkAction, type BulkOutcome, runBulk, VERB } from './bulk.js';

// Bulk actions for managers (reassign, move, tag) on the deals chosen in the list or on the
// board. Each deal is its own call; the outcome of each is listed as it comes, the refusals
// with why, in the words the rest of the console uses ("not moved: someone changed this
// meanwhile"). The deals that failed stay chosen, to try again once the list is read afresh.

type Deal = Schemas['Deal'];

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

function OutcomeLine({ outcome, verb }: { outcome: BulkOutcome; verb: string }) {
  const { deal } = outcome;
  if (outcome.status === 'changed')
    return (
      <li data-outcome="changed">
        <span aria-hidden="true">✓ </span>
        {deal.title}: {verb}.
      </li>
    );
  if (outcome.status === 'unchanged')
    return (
      <li data-outcome="unchanged" className="muted">
        {deal.title}: left as it was ({outcome.why}).
      </li>
    );
  const failure = describeFailure(outcome.error, verb);
  return (
    <li data-outcome="failed" className="bulk-failed">
      <span aria-hidden="true">✗ </span>
      {deal.title}: {lowerFirst(failure.title)}
      {failure.detail && <span className="muted"> {failure.detail}</span>}
    </li>
  );
}

export function BulkActions({
  deals,
  onClear,
  onFinished,
  onClose,
}: {
  /** The chosen deals, as the person saw them (their versions are sent as If-Match). */
  deals: Deal[];
  onClear: () => void;
  /** The deals that were not changed (they stay chosen). */
  onFinished: (failedIds: string[]) => void;
  /** The results were read and closed (nothing is chosen any more). */
  onClose?: () => void;
}) {
  const { client } = useSession();
  const pipelines = usePipelines();
  const queryClient = useQueryClient();
  const [ownerId, setOwnerId] = useState('');
  const [stageId, setStageId] = useState('');
  const [tag, setTag] = useState('');
  const [running, setRunning] = useState<BulkAction['kind'] | null>(null);
  const [result, setResult] = useState<{ kind: BulkAction['kind']; outcomes: BulkOutcome[] } | null>(null);
  const stageName = (id: string) =>
    pipelines.data?.flatMap((p) => p.stages).find((s) => s.id === id)?.name ?? 'another stage';
  const pipelineIds = [...new Set(deals.map((d) => d.pipelineId))];
  const pipeline =
    pipelineIds.length === 1 ? pipelines.data?.find((p) => p.id === pipelineIds[0]) : undefined;
  const n = deals.length;
  const plural = n === 1 ? 'deal' : 'deals';

  const run = async (action: BulkAction) => {
    setRunning(action.kind);
    setResult({ kind: action.kind, outcomes: [] });
    const outcomes = await runBulk(client, deals, action, stageName, (outcome) =>
      setResult((r) => (r ? { ...r, outcomes: [...r.outcomes, outcome] } : r)),
    );
    setRunning(null);
    for (const o of outcomes)
      if (o.status === 'changed') queryClient.setQueryData(['deal', o.deal.id], o.saved);
    void queryClient.invalidateQueries({ queryKey: ['deals'] });
    void queryClient.invalidateQueries({ queryKey: ['report'] });
    onFinished(outcomes.filter((o) => o.status === 'failed').map((o) => o.deal.id));
  };
  const submit = (action: BulkAction | null) => (event: FormEvent) => {
    event.preventDefault();
    if (action) void run(action);
  };
  const outcomes = result?.outcomes ?? [];
  const failed = outcomes.filter((o) => o.status === 'failed').length;
  const changed = outcomes.filter((o) => o.status === 'changed').length;
  if (n === 0 && !result) return null;

  return (
    <section className="bulk card" aria-labelledby="bulk-title">
      <div className="bulk-head">
        <h2 id="bulk-title" className="bulk-title">
          {n} {plural} chosen
        </h2>
        {n > 0 ? (
          <button type="button" className="quiet" onClick={onClear} disabled={running !== null}>
            Choose none
          </button>
        ) : (
          <button
            type="button"
            className="quiet"
            onClick={() => {
              setResult(null);
              onClose?.();
            }}
            disabled={running !== null}
          >
            Close
          </button>
        )}
      </div>
      {n > 0 && (
        <div className="bulk-forms">
          <form onSubmit={submit(ownerId ? { kind: 'reassign', ownerId } : null)} aria-label="Reassign">
            <Field label="New owner" path="ownerId" kind="choice">
              {(p) => <PersonPicker field={p} value={ownerId} onChange={setOwnerId} />}
            </Field>
            <button type="submit" disabled={!ownerId || running !== null}>
              Reassign {n} {plural}
            </button>
          </form>
          <form onSubmit={submit(stageId ? { kind: 'move', stageId } : null)} aria-label="Move">
            <Field
              label="Move to stage"
              path="stageId"
              kind="choice"
              {...(pipeline ? {} : { hint: 'Choose deals of one pipeline to move them.' })}
            >
              {(p) => (
                <select
                  {...p}
                  value={stageId}
                  onChange={(e) => setStageId(e.target.value)}
                  disabled={!pipeline}
                >
                  <option value="">choose a stage</option>
                  {pipeline?.stages.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <button type="submit" disabled={!stageId || !pipeline || running !== null}>
              Move {n} {plural}
            </button>
          </form>
          <form
            onSubmit={submit(tag.trim() ? { kind: 'tag', tag: tag.trim().toLowerCase() } : null)}
            aria-label="Tag"
          >
            <Field label="Add the tag" path="tag">
              {(p) => <input {...p} type="text" value={tag} onChange={(e) => setTag(e.target.value)} />}
            </Field>
            <button type="submit" disabled={!tag.trim() || running !== null}>
              Tag {n} {plural}
            </button>
          </form>
        </div>
      )}
      {result && (
        <div className="bulk-result" aria-live="polite">
          <p role="status">
            {running
              ? `Working: ${outcomes.length} of ${n} done…`
              : `${changed} ${VERB[result.kind]}, ${failed} not, ${outcomes.length - changed - failed} left as they were.`}
          </p>
          <ul className="plain-list" aria-label="Each deal">
            {outcomes.map((o) => (
              <OutcomeLine key={o.deal.id} outcome={o} verb={VERB[result.kind]} />
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { ApiProblem, answer, ifMatch, type Schemas } from '../api/client.js';
import { useSession } from '../app/session-context.js';
import { ConflictNotice } from '../ui/ConflictNotice.js';
import { describeFailure } from '../ui/failure.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { useDocumentDraft } from './document-draft.js';

// A pipeline's stages: name, probability and when a deal in it counts as stalled. The whole
// list is one PATCH, If-Match the version the person started from; what they typed stays on any
// failure (a 412 shows what changed meanwhile). The row after the last adds a stage once named.

interface StageDraft {
  id?: string;
  name: string;
  probability: number | null;
  rotAfterDays: number | null;
}

const stagesOf = (p: Schemas['Pipeline']): { stages: StageDraft[] } => ({
  stages: p.stages.map(({ id, name, probability, rotAfterDays }) => ({
    id,
    name,
    probability,
    rotAfterDays: rotAfterDays ?? null,
  })),
});

const numberOrNull = (text: string) => (text.trim() === '' ? null : Number(text));

const PARTS: Record<string, string> = {
  name: 'name',
  probability: 'probability',
  rotAfterDays: 'stalled after days',
};
const stageLabel = (path: string) => {
  const m = /^stages\.(\d+)\.(\w+)$/.exec(path);
  return m ? `Stage ${Number(m[1]) + 1} ${PARTS[m[2]!] ?? m[2]}` : path;
};

export function PipelineEditor({ pipeline }: { pipeline: Schemas['Pipeline'] }) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const draft = useDocumentDraft(pipeline, stagesOf);
  const save = useMutation({
    mutationFn: ({ stages, version }: { stages: StageDraft[]; version: number }) =>
      answer(
        client.PATCH('/pipelines/{id}', {
          params: { path: { id: pipeline.id }, header: ifMatch(version) },
          body: { stages: stages as Schemas['Pipeline']['stages'] },
        }),
      ),
    onSuccess: (saved) => {
      draft.saved(saved);
      void queryClient.invalidateQueries({ queryKey: ['pipelines'] });
    },
  });
  const problem = save.error instanceof ApiProblem ? save.error : null;
  const stale = save.isError && describeFailure(save.error).stale;
  const stages = draft.draft.stages;
  const send = (version: number) =>
    save.mutate({ stages: stages.filter((s) => s.name.trim() !== ''), version });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    send(draft.base.version);
  };
  const set = (i: number, change: (stage: StageDraft) => void) =>
    draft.edit((d) => {
      if (i === d.stages.length) d.stages.push({ name: '', probability: 50, rotAfterDays: null });
      change(d.stages[i]!);
    });
  const invalid = (path: string) => (problem?.fieldErrors(path).length ?? 0) > 0;
  const rows: (StageDraft | undefined)[] = [...stages, undefined];
  return (
    <form onSubmit={submit} noValidate className="card" aria-label={`Stages of ${pipeline.name}`}>
      <h3>{pipeline.name}</h3>
      <ProblemAlert error={save.error} onRetry={() => send(draft.base.version)}>
        {problem?.problem.errors && (
          <ul>
            {problem.problem.errors.map((e) => (
              <li key={`${e.path}:${e.message}`}>
                {stageLabel(e.path)}: {e.message}
              </li>
            ))}
          </ul>
        )}
      </ProblemAlert>
      {stale && (
        <ConflictNotice
          theirs={draft.theirs.filter((c) => !c.name.endsWith('.id'))}
          labelOf={stageLabel}
          pending={save.isPending}
          // after a 412 the record is read again before its changes are shown or saved over
          reading={pipeline.version === draft.base.version}
          onSaveMine={() => {
            draft.keepMine();
            send(pipeline.version);
          }}
          onTakeTheirs={() => {
            draft.takeTheirs();
            save.reset();
          }}
        />
      )}
      <table>
        <thead>
          <tr>
            <th scope="col">Stage</th>
            <th scope="col">Probability %</th>
            <th scope="col">Stalled after days</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s, i) => (
            <tr key={s?.id ?? `new-${i}`}>
              <td>
                <input
                  aria-label={`Stage ${i + 1} name`}
                  name={`stages.${i}.name`}
                  value={s?.name ?? ''}
                  placeholder={s ? undefined : 'new stage'}
                  aria-invalid={invalid(`stages.${i}.name`)}
                  onChange={(e) =>
                    set(i, (stage) => {
                      stage.name = e.target.value;
                    })
                  }
                />
              </td>
              <td>
                <input
                  aria-label={`Stage ${i + 1} probability`}
                  name={`stages.${i}.probability`}
                  type="number"
                  min="0"
                  max="100"
                  value={s ? (s.probability ?? '') : 50}
                  aria-invalid={invalid(`stages.${i}.probability`)}
                  onChange={(e) =>
                    set(i, (stage) => {
                      stage.probability = numberOrNull(e.target.value);
                    })
                  }
                />
              </td>
              <td>
                <input
                  aria-label={`Stage ${i + 1} stalled after days`}
                  name={`stages.${i}.rotAfterDays`}
                  type="number"
                  min="1"
                  value={s?.rotAfterDays ?? ''}
                  aria-invalid={invalid(`stages.${i}.rotAfterDays`)}
                  onChange={(e) =>
                    set(i, (stage) => {
                      stage.rotAfterDays = numberOrNull(e.target.value);
                    })
                  }
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          Save stages
        </button>
        {draft.touched && (
          <button
            type="button"
            className="quiet"
            onClick={() => {
              draft.discard();
              save.reset();
            }}
          >
            Discard changes
          </button>
        )}
      </div>
    </form>
  );
}

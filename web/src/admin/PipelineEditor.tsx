import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { ApiProblem, answer, ifMatch, type Schemas } from '../api/client.js';
import { useSession } from '../app/session-context.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';

// A pipeline's stages: name, probability and when a deal in it counts as stalled. The whole
// list is one PATCH, If-Match the pipeline's version.

export function PipelineEditor({ pipeline }: { pipeline: Schemas['Pipeline'] }) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (stages: { id?: string; name: string; probability: number; rotAfterDays: number | null }[]) =>
      answer(
        client.PATCH('/pipelines/{id}', {
          params: { path: { id: pipeline.id }, header: ifMatch(pipeline.version) },
          body: { stages },
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['pipelines'] }),
  });
  const problem = save.error instanceof ApiProblem ? save.error : null;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const rows = pipeline.stages.length + 1;
    const stages = [];
    for (let i = 0; i < rows; i++) {
      const name = String(form.get(`stages.${i}.name`) ?? '').trim();
      if (!name) continue;
      const rot = String(form.get(`stages.${i}.rotAfterDays`) ?? '');
      stages.push({
        ...(pipeline.stages[i] ? { id: pipeline.stages[i]!.id } : {}),
        name,
        probability: Number(form.get(`stages.${i}.probability`)),
        rotAfterDays: rot ? Number(rot) : null,
      });
    }
    save.mutate(stages);
  };
  return (
    <form onSubmit={submit} noValidate className="card" key={pipeline.version}>
      <h3>{pipeline.name}</h3>
      <ProblemAlert error={save.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Stage</th>
            <th scope="col">Probability %</th>
            <th scope="col">Stalled after days</th>
          </tr>
        </thead>
        <tbody>
          {[...pipeline.stages, undefined].map((s, i) => (
            <tr key={s?.id ?? 'new'}>
              <td>
                <input
                  aria-label={`Stage ${i + 1} name`}
                  name={`stages.${i}.name`}
                  defaultValue={s?.name}
                  placeholder={s ? undefined : 'new stage'}
                  aria-invalid={(problem?.fieldErrors(`stages.${i}.name`).length ?? 0) > 0}
                />
              </td>
              <td>
                <input
                  aria-label={`Stage ${i + 1} probability`}
                  name={`stages.${i}.probability`}
                  type="number"
                  min="0"
                  max="100"
                  defaultValue={s?.probability ?? 50}
                />
              </td>
              <td>
                <input
                  aria-label={`Stage ${i + 1} stalled after days`}
                  name={`stages.${i}.rotAfterDays`}
                  type="number"
                  min="1"
                  defaultValue={s?.rotAfterDays ?? ''}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="submit" disabled={save.isPending}>
        Save stages
      </button>
    </form>
  );
}

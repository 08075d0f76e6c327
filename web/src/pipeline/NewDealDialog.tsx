import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useLocation } from 'wouter';
import { ApiProblem, answer, type Schemas } from '../api/client.js';
import { usePeople } from '../api/queries.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { Dialog } from '../ui/Dialog.js';
import { Field } from '../ui/Field.js';
import { formText } from '../ui/form-text.js';
import { isoFromLocal, minorFromMajor } from '../ui/format.js';
import { CompanyOptions, PeopleOptions } from '../ui/options.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';

interface NewDealDialogProps {
  pipeline: Schemas['Pipeline'];
  open: boolean;
  onClose: () => void;
}

// The form leaves checking to the API: what it refuses comes back as a 422 naming each field,
// and each message is shown on its field (the same rules for the console and every integrator).
export function NewDealDialog({ pipeline, open, onClose }: NewDealDialogProps) {
  const { client, userId } = useSession();
  const { manage } = useAbilities();
  const { team, nameOf } = usePeople();
  const [ownerId, setOwnerId] = useState(userId);
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const create = useMutation({
    mutationFn: (body: Schemas['NewDeal']) =>
      answer(client.POST('/deals', { body, params: { header: { 'Idempotency-Key': idempotencyKey } } })),
    onSuccess: (deal) => {
      void queryClient.invalidateQueries({ queryKey: ['deals'] });
      onClose();
      navigate(`/deals/${deal.id}`);
    },
  });
  const problem = create.error instanceof ApiProblem ? create.error : null;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = formText(form);
    const amount = text('value.amount');
    const currency = text('value.currency').toUpperCase();
    create.mutate({
      title: text('title'),
      value: { amount: amount === '' ? Number.NaN : minorFromMajor(Number(amount), currency), currency },
      ownerId,
      pipelineId: pipeline.id,
      stageId: text('stageId'),
      nextAction: { summary: text('nextAction.summary'), dueAt: isoFromLocal(text('nextAction.dueAt')) },
      ...(text('companyId') ? { companyId: text('companyId') } : {}),
      ...(text('leadSource') ? { leadSource: text('leadSource') } : {}),
    } as Schemas['NewDeal']);
  };

  return (
    <Dialog title="New deal" open={open} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <ProblemAlert error={create.error} />
        <Field label="Title" path="title" problem={problem}>
          {(p) => <input {...p} type="text" />}
        </Field>
        <div className="row">
          <Field label="Value" path="value.amount" problem={problem}>
            {(p) => <input {...p} type="number" min="0" step="any" inputMode="decimal" />}
          </Field>
          <Field label="Currency" path="value.currency" problem={problem}>
            {(p) => <input {...p} type="text" defaultValue="EUR" maxLength={3} size={4} />}
          </Field>
        </div>
        {/* reps create their own deals (the API refuses others); managers assign to anyone active */}
        <Field label="Owner" path="ownerId" problem={problem}>
          {(p) => (
            <select {...p} value={ownerId} onChange={(e) => setOwnerId(e.target.value)} disabled={!manage}>
              {!team.some((t) => t.id === userId) && <option value={userId}>{nameOf(userId)}</option>}
              <PeopleOptions activeOnly {...(manage ? {} : { only: userId })} />
            </select>
          )}
        </Field>
        <Field label="Stage" path="stageId" problem={problem}>
          {(p) => (
            <select {...p} defaultValue={pipeline.stages[0]?.id}>
              {pipeline.stages.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Company" path="companyId" problem={problem}>
          {(p) => (
            <select {...p} defaultValue="">
              <option value="">none</option>
              <CompanyOptions />
            </select>
          )}
        </Field>
        <Field label="Lead source" path="leadSource" problem={problem}>
          {(p) => <input {...p} type="text" />}
        </Field>
        <fieldset>
          <legend>Next action (every open deal has one)</legend>
          <Field label="What" path="nextAction.summary" problem={problem}>
            {(p) => <input {...p} type="text" />}
          </Field>
          <Field label="Due" path="nextAction.dueAt" problem={problem}>
            {(p) => <input {...p} type="datetime-local" />}
          </Field>
        </fieldset>
        <div className="actions">
          <button type="submit" disabled={create.isPending}>
            Create deal
          </button>
        </div>
      </form>
    </Dialog>
  );
}

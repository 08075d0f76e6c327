import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiProblem, answer, ifMatch, type Schemas } from '../api/client.js';
import { useSession } from '../app/session-context.js';
import { Dialog } from '../ui/Dialog.js';
import { Field } from '../ui/Field.js';
import { formText } from '../ui/form-text.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { ContactPicker, PersonPicker } from '../ui/pickers.js';

// A deal is won only with the five handoff facts. The dialog sends what was typed, empty fields
// included, and shows each fact the API names in its 422 on that fact's field.

export function WinDialog({
  deal,
  open,
  onClose,
}: {
  deal: Schemas['Deal'];
  open: boolean;
  onClose: () => void;
}) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const [stakeholder, setStakeholder] = useState(deal.contactId ?? '');
  const [deliveryOwner, setDeliveryOwner] = useState('');
  const win = useMutation({
    mutationFn: (handoff: Record<string, unknown>) =>
      answer(
        client.POST('/deals/{id}/won', {
          params: { path: { id: deal.id }, header: ifMatch(deal.version) },
          // sent as typed, missing facts included: the API names each one
          body: { handoff } as { handoff: NonNullable<Schemas['Deal']['handoff']> },
        }),
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(['deal', saved.id], saved);
      void queryClient.invalidateQueries({ queryKey: ['deals'] });
      void queryClient.invalidateQueries({ queryKey: ['timeline', deal.id] });
      onClose();
    },
  });
  const problem = win.error instanceof ApiProblem ? win.error : null;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = formText(form);
    const handoff: Record<string, unknown> = {
      scopeSummary: text('handoff.scopeSummary'),
      keyConstraints: text('handoff.keyConstraints')
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean),
    };
    if (text('handoff.promisedTimeline.dueDate'))
      handoff.promisedTimeline = { dueDate: text('handoff.promisedTimeline.dueDate') };
    if (stakeholder) handoff.mainStakeholderContactId = stakeholder;
    if (deliveryOwner) handoff.deliveryOwnerId = deliveryOwner;
    if (text('handoff.kickoffDate')) handoff.kickoffDate = text('handoff.kickoffDate');
    win.mutate(handoff);
  };

  return (
    <Dialog title="Win the deal" open={open} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <p>Delivery starts from what you write here: the project is made from it.</p>
        <ProblemAlert error={win.error} />
        <Field label="Scope summary" path="handoff.scopeSummary" problem={problem}>
          {(p) => <textarea {...p} rows={3} />}
        </Field>
        <Field label="Promised by" path="handoff.promisedTimeline.dueDate" kind="date" problem={problem}>
          {(p) => <input {...p} type="date" />}
        </Field>
        <Field label="Key constraints" path="handoff.keyConstraints" problem={problem} hint="One per line">
          {(p) => <textarea {...p} rows={3} />}
        </Field>
        <Field
          label="Main stakeholder"
          path="handoff.mainStakeholderContactId"
          kind="choice"
          problem={problem}
        >
          {(p) => (
            <ContactPicker
              field={p}
              value={stakeholder}
              onChange={setStakeholder}
              {...(deal.companyId ? { companyId: deal.companyId } : {})}
            />
          )}
        </Field>
        <Field
          label="Delivery owner"
          path="handoff.deliveryOwnerId"
          kind="choice"
          problem={problem}
          hint="Who runs the project; empty: the kickoff template's default owner"
        >
          {(p) => (
            <PersonPicker
              field={p}
              value={deliveryOwner}
              onChange={setDeliveryOwner}
              noneLabel="the template's default"
            />
          )}
        </Field>
        <Field label="Kickoff date" path="handoff.kickoffDate" kind="date" problem={problem}>
          {(p) => <input {...p} type="date" />}
        </Field>
        <div className="actions">
          <button type="submit" disabled={win.isPending}>
            Mark as won
          </button>
        </div>
      </form>
    </Dialog>
  );
}

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useLocation } from 'wouter';
import { ApiProblem, answer, type Schemas } from '../api/client.js';
import { customFieldsFromForm, useCustomFields } from '../api/custom-fields.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { CustomFieldInputs } from '../ui/CustomFieldInputs.js';
import { Dialog } from '../ui/Dialog.js';
import { Field } from '../ui/Field.js';
import { formText } from '../ui/form-text.js';
import { isoFromLocal, minorFromTyped } from '../ui/format.js';
import { PastDueQuestion } from '../ui/PastDueQuestion.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { usePastDueCheck } from '../ui/past-due.js';
import { CompanyPicker, ContactPicker, PersonPicker } from '../ui/pickers.js';

interface NewDealDialogProps {
  pipeline: Schemas['Pipeline'];
  open: boolean;
  onClose: () => void;
}

// The form leaves checking to the API: what it refuses comes back as a 422 naming each field,
// and each message is shown, in plain words, on its field (the same rules for the console and
// every integrator). Nothing typed is cleared by a refusal; the create carries one
// Idempotency-Key for the dialog, so a retry after a lost answer makes one deal.
export function NewDealDialog({ pipeline, open, onClose }: NewDealDialogProps) {
  const { client, userId } = useSession();
  const { manage } = useAbilities();
  const custom = useCustomFields('deal');
  const [ownerId, setOwnerId] = useState(userId);
  const [companyId, setCompanyId] = useState('');
  const [contactId, setContactId] = useState('');
  const [customValues, setCustomValues] = useState<Record<string, string>>({});
  const form = useRef<HTMLFormElement>(null);
  const pastDue = usePastDueCheck();
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

  const submit = (event?: FormEvent<HTMLFormElement>) => {
    event?.preventDefault();
    if (!form.current) return;
    const text = formText(new FormData(form.current));
    const amount = text('value.amount');
    const currency = text('value.currency').toUpperCase();
    const dueAt = isoFromLocal(text('nextAction.dueAt'));
    if (!pastDue.allows(dueAt)) return;
    const customFields = customFieldsFromForm(custom.fields, customValues);
    create.mutate({
      title: text('title'),
      value: {
        amount: minorFromTyped(amount, currency),
        currency,
      },
      ownerId,
      pipelineId: pipeline.id,
      stageId: text('stageId'),
      nextAction: { summary: text('nextAction.summary'), dueAt },
      ...(companyId ? { companyId } : {}),
      ...(contactId ? { contactId } : {}),
      ...(text('expectedCloseDate') ? { expectedCloseDate: text('expectedCloseDate') } : {}),
      ...(text('leadSource') ? { leadSource: text('leadSource') } : {}),
      // a required field left empty is sent empty: the API names it
      ...(customFields || custom.fields.some((f) => f.required) ? { customFields: customFields ?? {} } : {}),
    } as Schemas['NewDeal']);
  };

  return (
    <Dialog title="New deal" open={open} onClose={onClose}>
      <form ref={form} onSubmit={submit} noValidate>
        <ProblemAlert error={create.error} verb="created" onRetry={() => submit()} />
        <Field label="Title" path="title" problem={problem} required>
          {(p) => <input {...p} type="text" />}
        </Field>
        <div className="row">
          <Field label="Value" path="value.amount" kind="money" problem={problem} required>
            {(p) => <input {...p} type="number" min="0" step="any" inputMode="decimal" />}
          </Field>
          <Field label="Currency" path="value.currency" kind="currency" problem={problem}>
            {(p) => <input {...p} type="text" defaultValue="EUR" maxLength={3} size={4} />}
          </Field>
          <Field label="Expected close" path="expectedCloseDate" kind="date" problem={problem}>
            {(p) => <input {...p} type="date" />}
          </Field>
        </div>
        {/* reps create their own deals (the API refuses others); managers assign to anyone active */}
        {manage && (
          <Field label="Owner" path="ownerId" kind="choice" problem={problem}>
            {(p) => <PersonPicker field={p} value={ownerId} onChange={setOwnerId} />}
          </Field>
        )}
        <Field label="Stage" path="stageId" kind="choice" problem={problem}>
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
        <div className="row">
          <Field label="Company" path="companyId" kind="choice" problem={problem}>
            {(p) => (
              <CompanyPicker field={p} value={companyId} onChange={setCompanyId} noneLabel="no company" />
            )}
          </Field>
          <Field label="Contact" path="contactId" kind="choice" problem={problem}>
            {(p) => (
              <ContactPicker
                field={p}
                value={contactId}
                onChange={setContactId}
                noneLabel="no contact"
                {...(companyId ? { companyId } : {})}
              />
            )}
          </Field>
        </div>
        <Field label="Lead source" path="leadSource" problem={problem}>
          {(p) => <input {...p} type="text" />}
        </Field>
        <fieldset>
          <legend>Next action (every open deal has one)</legend>
          <Field label="What" path="nextAction.summary" problem={problem} required>
            {(p) => <input {...p} type="text" />}
          </Field>
          <Field
            label="Due"
            path="nextAction.dueAt"
            kind="datetime"
            problem={problem}
            required
            warning={<PastDueQuestion check={pastDue} onConfirm={() => submit()} />}
          >
            {(p) => <input {...p} type="datetime-local" onChange={pastDue.dismiss} />}
          </Field>
        </fieldset>
        <CustomFieldInputs
          fields={custom.fields}
          values={customValues}
          set={(name, value) => setCustomValues((v) => ({ ...v, [name]: value }))}
          problem={problem}
        />
        <div className="actions">
          <button type="submit" disabled={create.isPending}>
            Create deal
          </button>
        </div>
      </form>
    </Dialog>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiProblem, answer, ifMatch, type Schemas } from '../api/client.js';
import { usePeople } from '../api/queries.js';
import { useSession } from '../app/session-context.js';
import { ConflictNotice } from '../ui/ConflictNotice.js';
import { Field } from '../ui/Field.js';
import { describeFailure } from '../ui/failure.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { PersonPicker } from '../ui/pickers.js';
import { moveItem, useDocumentDraft } from './document-draft.js';
import { JsonView } from './JsonView.js';
import { Group, PersonList, TextList } from './ListFields.js';
import { errorsShownNowhere, PathErrors, UnplacedErrors, within } from './PathErrors.js';
import {
  type MatchList,
  newRule,
  parseRoutingDraft,
  type RoutingDraft,
  type RuleDraft,
  routingDraftOf,
  routingPathLabel,
  setAssignmentType,
  setMatchList,
  setOwner,
} from './routing-draft.js';

// Lead routing as a form (docs/api.md, "Lead routing"): the ordered rules, first match wins,
// each with its conditions and who gets the deal. The whole list is one PUT, If-Match the
// version read; the JSON view edits the same draft.

export function LeadRouting() {
  const { client } = useSession();
  const routing = useQuery({
    queryKey: ['lead-routing'],
    queryFn: () => answer(client.GET('/lead-routing')),
  });
  if (!routing.data)
    return (
      <ProblemAlert
        error={routing.error}
        loading="the lead-routing rules"
        onRetry={() => void routing.refetch()}
      />
    );
  return <LeadRoutingForm routing={routing.data} />;
}

function LeadRoutingForm({ routing }: { routing: Schemas['LeadRouting'] }) {
  const { client } = useSession();
  const { nameOf } = usePeople();
  const queryClient = useQueryClient();
  const draft = useDocumentDraft(routing, routingDraftOf);
  const [jsonWrong, setJsonWrong] = useState<string | null>(null);
  const [blocked, setBlocked] = useState(false);
  const save = useMutation({
    mutationFn: ({ body, version }: { body: RoutingDraft; version: number }) =>
      answer(
        client.PUT('/lead-routing', {
          params: { header: ifMatch(version) },
          body: body as Schemas['LeadRoutingInput'],
        }),
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(['lead-routing'], saved);
      draft.saved(saved);
    },
  });
  const problem = save.error instanceof ApiProblem ? save.error : null;
  const stale = save.isError && describeFailure(save.error).stale;
  const rules = draft.draft.rules;

  const send = (version: number) => {
    setBlocked(jsonWrong !== null);
    if (jsonWrong === null) save.mutate({ body: draft.draft, version });
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    send(draft.base.version);
  };
  /** A change of the list's order or length: the last refusal's paths no longer fit it. */
  const restructure = (change: (rules: RuleDraft[]) => void) => {
    save.reset();
    draft.edit((d) => change(d.rules));
  };
  const editRule = (i: number, change: (rule: RuleDraft) => void) => draft.edit((d) => change(d.rules[i]!));
  const showValue = (name: string, value: string) =>
    /\.assign\.ownerIds?$/.test(name)
      ? value
          .split(', ')
          .map((id) => nameOf(id))
          .join(', ')
      : value;
  const unplaced = errorsShownNowhere(
    problem,
    rules.flatMap((_, i) => [`rules.${i}.name`, `rules.${i}.match`, `rules.${i}.assign`]),
    ['rules', ...rules.map((_, i) => `rules.${i}`)],
  );

  return (
    <form onSubmit={submit} noValidate className="card routing" aria-label="Lead-routing rules">
      <p className="muted">
        A deal created without an owner goes to the first rule that matches it. A rule matches when all of its
        conditions hold.
      </p>
      <ProblemAlert error={save.error} onRetry={() => send(draft.base.version)}>
        <UnplacedErrors errors={unplaced} labelOf={routingPathLabel} />
      </ProblemAlert>
      {blocked && jsonWrong && (
        <div role="alert" className="problem">
          <strong>Not saved: the JSON in the advanced view is not valid.</strong>
          <p>{jsonWrong} Correct it there, or change the form, which replaces it.</p>
        </div>
      )}
      {stale && (
        <ConflictNotice
          theirs={draft.theirs}
          labelOf={routingPathLabel}
          show={showValue}
          pending={save.isPending}
          // after a 412 the record is read again before its changes are shown or saved over
          reading={routing.version === draft.base.version}
          onSaveMine={() => {
            draft.keepMine();
            send(routing.version);
          }}
          onTakeTheirs={() => {
            draft.takeTheirs();
            save.reset();
          }}
        />
      )}
      <PathErrors problem={problem} path="rules" />
      {rules.length === 0 && <p>No rules: a deal created without an owner must have its owner named.</p>}
      <ol className="rules">
        {rules.map((rule, i) => (
          <li key={rule.id ?? `new-${i}`}>
            <RuleFields
              rule={rule}
              index={i}
              count={rules.length}
              problem={problem}
              edit={(change) => editRule(i, change)}
              move={(by) => restructure((list) => moveItem(list, i, by))}
              remove={() => restructure((list) => list.splice(i, 1))}
            />
          </li>
        ))}
      </ol>
      <p>
        <button type="button" onClick={() => restructure((list) => list.push(newRule()))}>
          Add a rule
        </button>
      </p>
      <JsonView
        label="The rules as JSON, first match wins (as PUT /lead-routing takes them)"
        draft={draft.draft}
        parse={parseRoutingDraft}
        onChange={(next) => {
          save.reset();
          draft.setDraft(next);
        }}
        onWrong={setJsonWrong}
      />
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          Save rules
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
        {save.isSuccess && !draft.touched && <span role="status">Saved.</span>}
      </div>
    </form>
  );
}

interface RuleFieldsProps {
  rule: RuleDraft;
  index: number;
  count: number;
  problem: ApiProblem | null;
  edit: (change: (rule: RuleDraft) => void) => void;
  move: (by: -1 | 1) => void;
  remove: () => void;
}

function RuleFields({ rule, index: i, count, problem, edit, move, remove }: RuleFieldsProps) {
  const at = `rules.${i}`;
  const list = (name: MatchList) => (values: string[]) => edit((r) => setMatchList(r, name, values));
  const roundRobin = rule.assign.type === 'round-robin';
  return (
    <Group legend={`Rule ${i + 1}`} path={at} problem={problem} className="rule">
      <Field label="Name" path={`${at}.name`} problem={within(problem, `${at}.name`)}>
        {(p) => (
          <input
            {...p}
            type="text"
            value={rule.name ?? ''}
            onChange={(e) =>
              edit((r) => {
                r.name = e.target.value;
              })
            }
          />
        )}
      </Field>
      <Group legend="Matches a new deal when" path={`${at}.match`} problem={problem} className="match">
        <TextList
          legend="Its lead source is one of"
          itemLabel="Lead source"
          path={`${at}.match.leadSources`}
          values={rule.match.leadSources ?? []}
          onChange={list('leadSources')}
          problem={problem}
          placeholder="e.g. website"
        />
        <TextList
          legend="Its company's domain is one of (or under one of)"
          itemLabel="Domain"
          path={`${at}.match.companyDomains`}
          values={rule.match.companyDomains ?? []}
          onChange={list('companyDomains')}
          problem={problem}
          hint="Without a company, the contact's email domain is used."
          placeholder="e.g. example.com"
        />
      </Group>
      <Group legend="Gives the deal to" path={`${at}.assign`} problem={problem} className="assign">
        <div className="toggle" role="radiogroup" aria-label={`Rule ${i + 1}: how it assigns`}>
          <label className="inline">
            <input
              type="radio"
              name={`${at}.assign.type`}
              checked={!roundRobin}
              onChange={() => edit((r) => setAssignmentType(r, 'fixed'))}
            />
            One person
          </label>
          <label className="inline">
            <input
              type="radio"
              name={`${at}.assign.type`}
              checked={roundRobin}
              onChange={() => edit((r) => setAssignmentType(r, 'round-robin'))}
            />
            People in turn (round-robin)
          </label>
        </div>
        <PathErrors problem={problem} path={`${at}.assign.type`} kind="choice" />
        {roundRobin ? (
          <PersonList
            legend="People, in turn"
            itemLabel="Person"
            path={`${at}.assign.ownerIds`}
            values={rule.assign.ownerIds ?? []}
            onChange={(ids) =>
              edit((r) => {
                r.assign.ownerIds = ids;
              })
            }
            problem={problem}
            hint="Each new deal goes to the next of them."
          />
        ) : (
          <Field
            label="Owner"
            path={`${at}.assign.ownerId`}
            kind="choice"
            problem={within(problem, `${at}.assign.ownerId`)}
          >
            {(p) => (
              <PersonPicker
                field={p}
                value={rule.assign.ownerId ?? ''}
                onChange={(id) => edit((r) => setOwner(r, id))}
              />
            )}
          </Field>
        )}
      </Group>
      <div className="actions">
        <button type="button" className="quiet" disabled={i === 0} onClick={() => move(-1)}>
          Move up
        </button>
        <button type="button" className="quiet" disabled={i === count - 1} onClick={() => move(1)}>
          Move down
        </button>
        <button type="button" className="quiet" onClick={remove}>
          Remove rule
        </button>
      </div>
    </Group>
  );
}

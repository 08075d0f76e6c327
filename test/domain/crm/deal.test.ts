import { describe, expect, it } from 'vitest';
import {
  createDeal,
  loseDeal,
  moveDeal,
  setNextAction,
  updateDeal,
  winDeal,
} from '../../../domain/crm/deal.commands.js';
import { NewDeal } from '../../../domain/crm/deal.js';
import { defaultPipeline } from '../../../domain/crm/pipeline.js';
import { Conflict, Forbidden, ValidationFailed } from '../../../domain/shared/errors.js';
import { parse } from '../../../domain/shared/validation.js';
import { alice, bob, context, dana, manager } from '../support.js';

const pipeline = defaultPipeline('2029-01-01T00:00:00.000Z');
const input = (extra: Record<string, unknown> = {}) =>
  parse(NewDeal, {
    title: 'Rollout',
    value: { amount: 100_00, currency: 'EUR' },
    ownerId: 'u-alice',
    nextAction: { summary: 'Call', dueAt: '2030-01-02T09:00:00Z' },
    ...extra,
  });

function open() {
  return createDeal(input(), pipeline, context()).deal;
}

describe('createDeal', () => {
  it('opens the deal in the first stage with its history started', () => {
    const { deal, events } = createDeal(input(), pipeline, context());
    expect(deal).toMatchObject({ status: 'open', stageId: 'st_lead', version: 1, wins: 0 });
    expect(deal.stageHistory).toEqual([{ stageId: 'st_lead', enteredAt: '2030-01-01T09:00:00.000Z' }]);
    expect(events.map((e) => e.detailType)).toEqual(['DealCreated']);
  });

  it('names both missing facts of an open deal', () => {
    const { ownerId: _o, nextAction: _n, ...bare } = input();
    expect(() => createDeal(bare as never, pipeline, context())).toThrow(ValidationFailed);
    try {
      createDeal(bare as never, pipeline, context());
    } catch (e) {
      expect((e as ValidationFailed).issues.map((i) => i.path)).toEqual(['ownerId', 'nextAction']);
    }
  });

  it('refuses a stage of another pipeline, and sales opening deals for others', () => {
    expect(() => createDeal(input({ stageId: 'st_nowhere' }), pipeline, context())).toThrow(ValidationFailed);
    expect(() => createDeal(input({ ownerId: 'u-bob' }), pipeline, context(alice))).toThrow(Forbidden);
    expect(() => createDeal(input(), pipeline, context(dana))).toThrow(Forbidden);
    expect(createDeal(input({ ownerId: 'u-bob' }), pipeline, context(manager)).deal.ownerId).toBe('u-bob');
  });
});

describe('moveDeal', () => {
  it('closes the previous visit and reports the time spent in it', () => {
    const deal = open();
    const later = context(alice, '2030-01-03T09:00:00.000Z');
    const { deal: moved, events } = moveDeal(deal, pipeline, 'st_proposal', later);
    expect(moved.stageHistory).toEqual([
      { stageId: 'st_lead', enteredAt: '2030-01-01T09:00:00.000Z', leftAt: '2030-01-03T09:00:00.000Z' },
      { stageId: 'st_proposal', enteredAt: '2030-01-03T09:00:00.000Z' },
    ]);
    expect(events[0]!.detail.data).toMatchObject({
      from: 'st_lead',
      to: 'st_proposal',
      secondsInPreviousStage: 172_800,
    });
  });

  it('refuses moving to the current stage, moving a closed deal, and other owners', () => {
    const deal = open();
    expect(() => moveDeal(deal, pipeline, 'st_lead', context())).toThrow(Conflict);
    expect(() => moveDeal(deal, pipeline, 'st_proposal', context(bob))).toThrow(Forbidden);
    const lost = loseDeal(deal, { reason: 'no budget' }, context()).deal;
    expect(() => moveDeal(lost, pipeline, 'st_proposal', context())).toThrow(/lost deal cannot move/);
    expect(() => moveDeal(deal, pipeline, 'st_nope', context())).toThrow(ValidationFailed);
  });

  it('a deal that skips stages on the way forward counts them as reached; going back forgets nothing', () => {
    const deal = open();
    expect(deal.stagesReached).toEqual(['st_lead']);
    const skipped = moveDeal(deal, pipeline, 'st_negotiation', context()).deal;
    expect(skipped.stagesReached).toEqual(['st_lead', 'st_qualified', 'st_proposal', 'st_negotiation']);
    expect(moveDeal(skipped, pipeline, 'st_lead', context()).deal.stagesReached).toEqual(
      skipped.stagesReached,
    );
  });
});

describe('setNextAction', () => {
  it('records the completed action as a done task only when asked', () => {
    const deal = open();
    const plain = setNextAction(
      deal,
      { summary: 'Next', dueAt: '2030-01-05T00:00:00.000Z', completeCurrent: false },
      context(),
    );
    expect(plain.completedActivity).toBeUndefined();
    const done = setNextAction(
      deal,
      { summary: 'Next', dueAt: '2030-01-05T00:00:00.000Z', completeCurrent: true, outcome: 'went well' },
      context(),
    );
    expect(done.completedActivity).toMatchObject({
      type: 'task',
      subject: 'Call',
      done: true,
      outcome: 'went well',
      dealId: deal.id,
    });
    expect(done.events.map((e) => e.detailType)).toEqual(['DealNextActionSet', 'ActivityCompleted']);
  });

  it('refuses an outcome without completing', () => {
    expect(() =>
      setNextAction(
        open(),
        { summary: 'x', dueAt: '2030-01-05T00:00:00.000Z', completeCurrent: false, outcome: 'y' },
        context(),
      ),
    ).toThrow(ValidationFailed);
  });
});

describe('winDeal and loseDeal', () => {
  const handoff = {
    scopeSummary: 'Scope',
    promisedTimeline: { dueDate: '2030-06-01' },
    keyConstraints: ['budget'],
    mainStakeholderContactId: 'ct_1',
    kickoffDate: '2030-02-01',
  };
  const stakeholder = {
    id: 'ct_1',
    firstName: 'Grace',
    emails: [],
    phones: [],
    tags: [],
    createdAt: '2029-01-01T00:00:00.000Z',
    updatedAt: '2029-01-01T00:00:00.000Z',
    createdBy: 'u-alice',
    version: 1,
  };

  it('counts wins, clears the next action, and carries the customer in the event', () => {
    const { deal, events, completedActivity } = winDeal(
      open(),
      { handoff },
      { company: null, mainStakeholder: stakeholder },
      context(),
    );
    expect(deal).toMatchObject({
      status: 'won',
      wins: 1,
      nextAction: null,
      handoff,
      closedAt: '2030-01-01T09:00:00.000Z',
    });
    expect(completedActivity?.outcome).toBe('deal won');
    expect(events[0]).toMatchObject({
      source: 'handoff.crm',
      detailType: 'DealClosedWon',
      detail: {
        version: 1,
        data: { win: 1, templateId: null, customer: { company: null, mainStakeholder: stakeholder } },
      },
    });
  });

  it('a closed deal is closed: no second win, no loss after a win', () => {
    const won = winDeal(open(), { handoff }, { company: null, mainStakeholder: stakeholder }, context()).deal;
    expect(() =>
      winDeal(won, { handoff }, { company: null, mainStakeholder: stakeholder }, context()),
    ).toThrow(Conflict);
    expect(() => loseDeal(won, { reason: 'x' }, context())).toThrow(Conflict);
  });
});

describe('updateDeal', () => {
  it('reports only what changed, and an owner change as its own event', () => {
    const deal = open();
    const same = updateDeal(deal, { title: 'Rollout' }, context());
    expect(same.events).toEqual([]);
    const { events } = updateDeal(deal, { title: 'New', ownerId: 'u-bob' }, context(manager));
    expect(events.map((e) => e.detailType)).toEqual(['DealUpdated', 'DealOwnerChanged']);
    expect(events[0]!.detail.data).toMatchObject({ changed: ['title', 'ownerId'] });
  });
});

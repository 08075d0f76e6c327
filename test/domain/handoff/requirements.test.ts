import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WinDeal } from '../../../domain/handoff/requirements.js';
import { HandoffIncomplete } from '../../../domain/shared/errors.js';
import { parse } from '../../../domain/shared/validation.js';

const complete = {
  scopeSummary: 'Scope',
  promisedTimeline: { dueDate: '2030-06-01' },
  keyConstraints: ['on-prem'],
  mainStakeholderContactId: 'ct_01ABC',
  kickoffDate: '2030-02-01',
};
const FIELDS = Object.keys(complete) as (keyof typeof complete)[];

describe('the closed-won requirements', () => {
  it('for any set of missing facts, the refusal names exactly those', () => {
    fc.assert(
      fc.property(fc.subarray(FIELDS, { minLength: 1 }), (missing) => {
        const handoff = Object.fromEntries(
          Object.entries(complete).filter(([k]) => !missing.includes(k as never)),
        );
        try {
          parse(WinDeal, { handoff }, HandoffIncomplete);
          return false;
        } catch (error) {
          expect(error).toBeInstanceOf(HandoffIncomplete);
          const issues = (error as HandoffIncomplete).issues;
          expect(issues.map((i) => i.path).sort()).toEqual(missing.map((f) => `handoff.${f}`).sort());
          expect(issues.every((i) => i.message === 'is required')).toBe(true);
          return true;
        }
      }),
    );
  });

  it('a promised due date before the kickoff is refused at the due date', () => {
    expect(() =>
      parse(WinDeal, { handoff: { ...complete, promisedTimeline: { dueDate: '2030-01-01' } } }),
    ).toThrow(/promisedTimeline.dueDate: must not be before the kickoff date 2030-02-01/);
  });

  it('accepts the complete facts as given', () => {
    expect(parse(WinDeal, { handoff: complete }).handoff).toEqual(complete);
  });
});

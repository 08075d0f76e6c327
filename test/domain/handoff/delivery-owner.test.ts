import { describe, expect, it } from 'vitest';
import {
  chooseDeliveryOwner,
  deliveryOwnerOnRewin,
  type Standing,
} from '../../../domain/handoff/delivery-owner.js';

// Who delivers a won deal's project: the first that applies of the person the win names, the
// template's default owner, the deal's owner; anyone no longer active is passed over, and said.

const standing =
  (people: Record<string, Standing>) =>
  (id: string): Standing =>
    people[id] ?? 'unknown';
const template = (defaultOwnerId?: string) => ({
  id: 'tpl_1',
  name: 'Rollout',
  ...(defaultOwnerId ? { defaultOwnerId } : {}),
});

describe('the delivery owner of a first win', () => {
  const people = standing({ 'u-dana': 'active', 'u-lea': 'active', 'u-gone': 'deactivated' });

  it('is the person the win names, before the template’s default', () => {
    expect(
      chooseDeliveryOwner({ winner: 'u-dana', template: template('u-lea'), dealOwnerId: 'u-alice' }, people),
    ).toEqual({ ownerId: 'u-dana', source: 'win', notes: ['delivery owner u-dana, named by the win'] });
  });

  it('is the template’s default when the win names nobody, or someone who left', () => {
    const choice = chooseDeliveryOwner(
      { winner: 'u-gone', template: template('u-lea'), dealOwnerId: 'u-alice' },
      people,
    );
    expect(choice).toMatchObject({ ownerId: 'u-lea', source: 'template' });
    expect(choice.notes).toEqual([
      'the win named u-gone as delivery owner, who is deactivated',
      'delivery owner u-lea, the default owner of template Rollout (tpl_1)',
    ]);
  });

  it('falls back to the deal’s owner, saying so, when nobody else applies', () => {
    const choice = chooseDeliveryOwner(
      { winner: undefined, template: template('u-ghost'), dealOwnerId: 'u-alice' },
      people,
    );
    expect(choice).toMatchObject({ ownerId: 'u-alice', source: 'deal-owner' });
    expect(choice.notes[0]).toBe('template Rollout names u-ghost as default owner, who is not a known user');
    expect(choice.notes[1]).toMatch(/^no delivery owner was named .* u-alice owns the project as a fallback/);
  });
});

describe('the delivery owner when the deal is won again', () => {
  const people = standing({ 'u-dana': 'active', 'u-gone': 'deactivated' });

  it('stays whoever has it when the win names nobody, or the same person', () => {
    expect(deliveryOwnerOnRewin('u-lea', { winner: undefined, win: 2 }, people)).toEqual({
      ownerId: 'u-lea',
      notes: [],
    });
    expect(deliveryOwnerOnRewin('u-lea', { winner: 'u-lea', win: 2 }, people).notes).toEqual([]);
  });

  it('is the person the win names when active; someone who left is noted and passed over', () => {
    expect(deliveryOwnerOnRewin('u-lea', { winner: 'u-dana', win: 2 }, people)).toEqual({
      ownerId: 'u-dana',
      notes: ['delivery owner u-lea → u-dana, named by win 2'],
    });
    expect(deliveryOwnerOnRewin('u-lea', { winner: 'u-gone', win: 3 }, people)).toEqual({
      ownerId: 'u-lea',
      notes: ['win 3 named u-gone as delivery owner, who is deactivated: u-lea stays the delivery owner'],
    });
  });
});

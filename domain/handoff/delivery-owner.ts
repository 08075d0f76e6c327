import type { Template } from '../delivery/template.js';

// Who delivers a won deal's project: the project's owner is its delivery owner, the person who
// runs it and hears what is late in it. A rep who sold the deal is rarely that person, so the
// win may name one, a kickoff template may have a default, and only when neither does (or the
// person named has left since) does the deal's owner keep it, which the project's notes say.

/** Whether a person named as an owner may own something now. */
export type Standing = 'active' | 'deactivated' | 'unknown';

export type DeliveryOwnerSource = 'win' | 'template' | 'deal-owner';

export interface DeliveryOwnerChoice {
  ownerId: string;
  source: DeliveryOwnerSource;
  /** For the project's notes: where the owner came from, and who was passed over and why. */
  notes: string[];
}

const why = (standing: Exclude<Standing, 'active'>) =>
  standing === 'deactivated' ? 'is deactivated' : 'is not a known user';

/**
 * The first that applies: the person the win names, the template's default owner, the deal's
 * owner. A person named but no longer active is passed over (the win checked them when it was
 * made; the project is made a moment later and must not fail for it).
 */
export function chooseDeliveryOwner(
  named: {
    winner: string | undefined;
    template: Pick<Template, 'id' | 'name' | 'defaultOwnerId'>;
    dealOwnerId: string;
  },
  standing: (userId: string) => Standing,
): DeliveryOwnerChoice {
  const passed: string[] = [];
  if (named.winner) {
    const s = standing(named.winner);
    if (s === 'active')
      return {
        ownerId: named.winner,
        source: 'win',
        notes: [`delivery owner ${named.winner}, named by the win`],
      };
    passed.push(`the win named ${named.winner} as delivery owner, who ${why(s)}`);
  }
  const byDefault = named.template.defaultOwnerId;
  if (byDefault) {
    const s = standing(byDefault);
    if (s === 'active')
      return {
        ownerId: byDefault,
        source: 'template',
        notes: [
          ...passed,
          `delivery owner ${byDefault}, the default owner of template ${named.template.name} (${named.template.id})`,
        ],
      };
    passed.push(`template ${named.template.name} names ${byDefault} as default owner, who ${why(s)}`);
  }
  return {
    ownerId: named.dealOwnerId,
    source: 'deal-owner',
    notes: [
      ...passed,
      `no delivery owner was named (by the win or its template): the deal's owner ${named.dealOwnerId} owns the project as a fallback until it is handed to its delivery owner (PATCH /projects/{id} ownerId)`,
    ],
  };
}

/**
 * A deal won again: its project keeps the delivery owner it has (whoever a manager handed it to
 * since; neither the template's default nor the deal's owner undoes that) unless the new win
 * names one who is active.
 */
export function deliveryOwnerOnRewin(
  current: string,
  named: { winner: string | undefined; win: number },
  standing: (userId: string) => Standing,
): { ownerId: string; notes: string[] } {
  if (!named.winner || named.winner === current) return { ownerId: current, notes: [] };
  const s = standing(named.winner);
  if (s === 'active')
    return {
      ownerId: named.winner,
      notes: [`delivery owner ${current} → ${named.winner}, named by win ${named.win}`],
    };
  return {
    ownerId: current,
    notes: [
      `win ${named.win} named ${named.winner} as delivery owner, who ${why(s)}: ${current} stays the delivery owner`,
    ],
  };
}

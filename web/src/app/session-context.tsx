import type { User } from 'oidc-client-ts';
import { createContext, useContext } from 'react';
import type { HandoffClient } from '../api/client.js';

export interface ConsoleSession {
  client: HandoffClient;
  user: User;
  userId: string;
  roles: string[];
  signOut: () => void;
}

export const SessionContext = createContext<ConsoleSession | undefined>(undefined);

export function useSession(): ConsoleSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside the signed-in console');
  return session;
}

/** What the person may do, by role: the API decides; the console only hides what it would refuse. */
export function useAbilities() {
  const { roles, userId } = useSession();
  const has = (...r: string[]) => r.some((x) => roles.includes(x));
  const manage = has('manager', 'admin');
  return {
    editCrm: has('sales', 'manager', 'admin'),
    manage,
    admin: has('admin'),
    editDelivery: has('delivery', 'manager', 'admin'),
    /** The reports are for sales and managers (a rep reads their own). */
    readReports: has('sales', 'manager', 'admin'),
    /** A rep changes the deals they own; managers and admins any (domain/crm/deal.ts, assertMayChangeDeal). */
    changeDeal: (deal: { ownerId: string }) => manage || (has('sales') && deal.ownerId === userId),
  };
}

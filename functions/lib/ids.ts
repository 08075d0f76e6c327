import { monotonicFactory, ulid } from 'ulid';
import { ID_PREFIX, type IdKind } from '../../domain/shared/ids.js';

// Ids are minted at the edge and handed to the domain, which stays free of randomness.
const monotonic = monotonicFactory();

export const newId = (kind: IdKind): string => `${ID_PREFIX[kind]}_${ulid()}`;

/** Event ids sort in the order their events were created within one function instance. */
export const newEventId = (): string => monotonic();

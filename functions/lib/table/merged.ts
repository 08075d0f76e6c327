import { Gone } from '../../../domain/shared/errors.js';

/**
 * A merged contact or company is a tombstone naming its survivor (UnitOfWork.tombstone): read,
 * it answers 410 with where the record went.
 */
export const mergedAway = (entity: string, id: string, survivorId: string) =>
  new Gone(`${entity} ${id} was merged into ${survivorId}`, { mergedInto: survivorId });

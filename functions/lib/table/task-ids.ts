import { createHash } from 'node:crypto';
import { ID_PREFIX } from '../../../domain/shared/ids.js';

/**
 * The id of a template task in a project: derived from both, so writing the same plan twice
 * (a retried handoff, a resumed creation) addresses the same items.
 */
export function planTaskId(projectId: string, key: string): string {
  const digest = createHash('sha256').update(`${projectId}:${key}`).digest('hex').slice(0, 26).toUpperCase();
  return `${ID_PREFIX.task}_${digest}`;
}

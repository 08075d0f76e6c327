import { mergeCustomFields } from './custom-values.js';

// PATCH bodies follow JSON Merge Patch at the top level (RFC 7396): a field present replaces
// the current value, `null` removes an optional field. `customFields` merges one level deeper,
// key by key, as a merge patch would. `changed` lists what really differs, so
// an event never claims a change that did not happen.

export function applyPatch<T extends object>(
  current: T,
  patch: Record<string, unknown>,
): { next: T; changed: string[] } {
  const next = { ...current } as Record<string, unknown>;
  const changed: string[] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const before = next[key];
    const merged =
      key === 'customFields' && value !== null
        ? mergeCustomFields(before as Record<string, unknown> | undefined, value as Record<string, unknown>)
        : value;
    if (merged === null || merged === undefined) delete next[key];
    else next[key] = merged;
    if (JSON.stringify(before) !== JSON.stringify(next[key])) changed.push(key);
  }
  return { next: next as T, changed };
}

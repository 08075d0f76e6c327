// PATCH bodies follow JSON Merge Patch at the top level (RFC 7396): a field present replaces
// the current value, `null` removes an optional field. `changed` lists what really differs, so
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
    if (value === null) delete next[key];
    else next[key] = value;
    if (JSON.stringify(before) !== JSON.stringify(next[key])) changed.push(key);
  }
  return { next: next as T, changed };
}

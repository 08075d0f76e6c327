import { useRef, useState } from 'react';

// Records chosen for a bulk action: a click toggles one; a shift-click chooses every record
// between the last one clicked and this one, in the order they are shown.

export function useSelection() {
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const anchor = useRef<string | null>(null);
  const toggle = (id: string, on: boolean, range: boolean, order: readonly string[]) => {
    // the range is decided now: the state updater runs later, after the anchor has moved
    const from = range && anchor.current ? order.indexOf(anchor.current) : -1;
    const to = order.indexOf(id);
    const ids = from >= 0 && to >= 0 ? order.slice(Math.min(from, to), Math.max(from, to) + 1) : [id];
    anchor.current = id;
    setChosen((was) => {
      const next = new Set(was);
      for (const each of ids) {
        if (on) next.add(each);
        else next.delete(each);
      }
      return next;
    });
  };
  return {
    chosen,
    has: (id: string) => chosen.has(id),
    toggle,
    /** Chooses all of these (or, when all are chosen, none of them). */
    toggleAll: (ids: readonly string[]) =>
      setChosen((was) => {
        const all = ids.length > 0 && ids.every((id) => was.has(id));
        const next = new Set(was);
        for (const id of ids) {
          if (all) next.delete(id);
          else next.add(id);
        }
        return next;
      }),
    clear: () => {
      setChosen(new Set());
      anchor.current = null;
    },
    /** Keeps only these (after a change of list, the others are no longer shown). */
    keepOnly: (ids: readonly string[]) =>
      setChosen((was) => {
        const shown = new Set(ids);
        return new Set([...was].filter((id) => shown.has(id)));
      }),
  };
}

export type Selection = ReturnType<typeof useSelection>;

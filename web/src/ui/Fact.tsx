import type { ReactNode } from 'react';

/** One fact of a record's <dl className="facts">: a term and its value, grouped (a <div> per pair). */
export function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

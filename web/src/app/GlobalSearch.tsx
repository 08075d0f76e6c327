import { useQuery } from '@tanstack/react-query';
import { useCombobox } from 'downshift';
import { useState } from 'react';
import { useLocation } from 'wouter';
import { answer, type Schemas } from '../api/client.js';
import { useDebounced } from '../ui/debounce.js';
import { useSession } from './session-context.js';

// The header's search: deals, contacts and companies as the person types (GET /search, asked
// once they pause), grouped by kind. downshift's combobox gives the keyboard (arrows, Enter,
// Escape) and the announcements; choosing a result opens its record. The API folds what is typed
// as names are stored ("mue" finds Müller), so the console sends the text as typed.

type Results = Schemas['SearchResults'];

interface Hit {
  key: string;
  kind: 'Deals' | 'Contacts' | 'Companies';
  label: string;
  detail?: string | undefined;
  href: string;
}

const MATCHED: Record<string, string> = { email: 'by email', phone: 'by phone', domain: 'by domain' };

function hitsOf(results: Results | undefined): Hit[] {
  if (!results) return [];
  return [
    ...results.deals.map((d) => ({
      key: d.id,
      kind: 'Deals' as const,
      label: d.title,
      detail:
        [d.companyName, d.status === 'open' ? undefined : d.status].filter(Boolean).join(' · ') || undefined,
      href: `/deals/${d.id}`,
    })),
    ...results.contacts.map((c) => ({
      key: c.id,
      kind: 'Contacts' as const,
      label: c.name,
      detail:
        c.matched === 'email' ? c.emails[0] : c.matched === 'phone' ? c.phones[0] : (c.title ?? c.emails[0]),
      href: `/contacts/${c.id}`,
    })),
    ...results.companies.map((c) => ({
      key: c.id,
      kind: 'Companies' as const,
      label: c.name,
      detail: c.domain ? `${c.domain}${MATCHED[c.matched] ? ` (${MATCHED[c.matched]})` : ''}` : undefined,
      href: `/companies/${c.id}`,
    })),
  ];
}

export function GlobalSearch() {
  const { client } = useSession();
  const [, navigate] = useLocation();
  const [text, setText] = useState('');
  const typed = useDebounced(text.trim(), 200);
  const found = useQuery({
    queryKey: ['search', typed],
    queryFn: () => answer(client.GET('/search', { params: { query: { q: typed, limit: 5 } } })),
    enabled: typed.length > 0,
    staleTime: 30_000,
    retry: false,
  });
  const hits = typed ? hitsOf(found.data) : [];
  const { isOpen, getInputProps, getMenuProps, getItemProps, getLabelProps, highlightedIndex } =
    useCombobox<Hit>({
      items: hits,
      itemToString: (hit) => hit?.label ?? '',
      itemToKey: (hit) => hit?.key ?? '',
      // the box's text is downshift's own (a text controlled from here loses keys typed fast):
      // it tells what was typed, and the search follows
      onInputValueChange: ({ inputValue }) => setText(inputValue ?? ''),
      // nothing stays chosen: each choice opens its record, and choosing it again opens it again
      selectedItem: null,
      onSelectedItemChange: ({ selectedItem }) => {
        if (selectedItem) navigate(selectedItem.href);
      },
      // choosing a result leaves the box empty, ready for the next search; and the choice that
      // never stays (selectedItem is held at null) must not write its name back over what is
      // typed next (downshift does so when the controlled selection differs from its own)
      stateReducer: (state, { type, changes }) => {
        if (
          type === useCombobox.stateChangeTypes.InputKeyDownEnter ||
          type === useCombobox.stateChangeTypes.ItemClick
        )
          return { ...changes, inputValue: '' };
        if (type === useCombobox.stateChangeTypes.ControlledPropUpdatedSelectedItem)
          return { ...changes, inputValue: state.inputValue };
        return changes;
      },
    });
  const groups = (['Deals', 'Contacts', 'Companies'] as const)
    .map((kind) => ({ kind, hits: hits.filter((h) => h.kind === kind) }))
    .filter((g) => g.hits.length > 0);
  const open = isOpen && typed.length > 0;
  return (
    <div className="global-search">
      {/* biome-ignore lint/a11y/noLabelWithoutControl: downshift's label props name the input (htmlFor) */}
      <label {...getLabelProps()} className="visually-hidden">
        Search deals, contacts and companies
      </label>
      <input
        {...getInputProps({ placeholder: 'Search (/)' })}
        type="text"
        autoComplete="off"
        data-global-search
      />
      <div {...getMenuProps()} className={open ? 'search-results open' : 'search-results'}>
        {open &&
          groups.map((group) => (
            // biome-ignore lint/a11y/useSemanticElements: a listbox's options are grouped by role="group" (a fieldset is not allowed in a listbox)
            <div role="group" aria-label={group.kind} key={group.kind}>
              <div className="search-group" aria-hidden="true">
                {group.kind}
              </div>
              {group.hits.map((hit) => {
                const index = hits.indexOf(hit);
                return (
                  <div
                    key={hit.key}
                    className={highlightedIndex === index ? 'search-hit highlighted' : 'search-hit'}
                    {...getItemProps({ item: hit, index })}
                  >
                    <span>{hit.label}</span>
                    {hit.detail && <span className="hit-detail"> {hit.detail}</span>}
                  </div>
                );
              })}
            </div>
          ))}
      </div>
      {open && found.isSuccess && hits.length === 0 && (
        <p className="search-note" role="status">
          Nothing found for “{typed}”.
        </p>
      )}
      {open && found.isError && (
        <p className="search-note" role="status">
          Could not search:{' '}
          {found.error instanceof Error ? found.error.message : 'Handoff could not be reached'}.
        </p>
      )}
    </div>
  );
}

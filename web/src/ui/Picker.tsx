import { useQuery } from '@tanstack/react-query';
import { useCombobox } from 'downshift';
import { useEffect, useState } from 'react';
import { useDebounced } from './debounce.js';

// A searchable choice (people, contacts, companies): the person types part of a name and picks
// from what the API finds; a list of every record is never loaded. downshift's useCombobox gives
// the WAI-ARIA combobox (keyboard, focus, announcements); this adds the search, its debounce and
// the hidden input that carries the chosen id in a form.

export interface PickOption {
  id: string;
  label: string;
  detail?: string;
}

/** What <Field> hands its input. */
export interface FieldInputProps {
  id: string;
  name: string;
  'aria-invalid': boolean;
  'aria-describedby'?: string;
  'aria-required'?: boolean;
}

interface PickerProps {
  field: FieldInputProps;
  /** The chosen id, or '' for none. */
  value: string;
  /** The chosen record's name (shown while the person is not searching). */
  valueLabel?: string | undefined;
  onChange: (option: PickOption | null) => void;
  /** Finds the options for what was typed ('' for the first few). */
  search: (text: string) => Promise<PickOption[]>;
  /** Caches searches: the same text in the same picker is not asked twice in a minute. */
  cacheKey: string;
  /** Offered first, to choose nothing (e.g. "no company"). */
  noneLabel?: string;
  disabled?: boolean;
  placeholder?: string;
}

export function Picker({
  field,
  value,
  valueLabel,
  onChange,
  search,
  cacheKey,
  noneLabel,
  disabled = false,
  placeholder = 'Type to search',
}: PickerProps) {
  const selected: PickOption | null = value ? { id: value, label: valueLabel ?? '…' } : null;
  const [text, setText] = useState(selected?.label ?? '');
  const [open, setOpen] = useState(false);
  const typed = useDebounced(text === selected?.label ? '' : text.trim(), 200);
  const found = useQuery({
    queryKey: ['pick', cacheKey, typed],
    queryFn: () => search(typed),
    enabled: open,
    staleTime: 60_000,
  });
  const none: PickOption | null = noneLabel ? { id: '', label: noneLabel } : null;
  const items = [...(none ? [none] : []), ...(found.data ?? []).filter((o) => o.id !== value || !none)];
  // the chosen record's name arrives after its id (a read of its own): show it once it is there
  useEffect(() => {
    if (!open) setText(selected?.label ?? '');
  }, [selected?.label, open]);
  const { getInputProps, getMenuProps, getItemProps, highlightedIndex } = useCombobox<PickOption>({
    items,
    inputId: field.id,
    labelId: `${field.id}-label`,
    inputValue: text,
    isOpen: open,
    selectedItem: selected,
    itemToString: (o) => (o?.id ? o.label : ''),
    itemToKey: (o) => o?.id ?? '',
    // Escape closes the list; with the list closed it keeps the choice (downshift would clear it,
    // and a form saving on change would send "nobody")
    stateReducer: (state, { type, changes }) =>
      type === useCombobox.stateChangeTypes.InputKeyDownEscape && !state.isOpen
        ? { ...changes, selectedItem: state.selectedItem, inputValue: state.inputValue }
        : changes,
    onIsOpenChange: ({ isOpen }) => setOpen(Boolean(isOpen)),
    onInputValueChange: ({ inputValue }) => setText(inputValue ?? ''),
    onSelectedItemChange: ({ selectedItem }) => {
      onChange(selectedItem?.id ? selectedItem : null);
      setText(selectedItem?.id ? selectedItem.label : '');
    },
  });
  return (
    <div className="picker">
      <input type="hidden" name={field.name} value={value} />
      <input
        {...getInputProps({
          disabled,
          placeholder,
          'aria-invalid': field['aria-invalid'],
          ...(field['aria-describedby'] ? { 'aria-describedby': field['aria-describedby'] } : {}),
          ...(field['aria-required'] ? { 'aria-required': true } : {}),
        })}
        type="text"
        autoComplete="off"
      />
      <ul {...getMenuProps()} className={open ? 'picker-menu open' : 'picker-menu'}>
        {open &&
          items.map((item, index) => (
            <li
              key={item.id || 'none'}
              className={highlightedIndex === index ? 'highlighted' : undefined}
              {...getItemProps({ item, index })}
            >
              <span>{item.label}</span>
              {item.detail && <span className="muted"> {item.detail}</span>}
            </li>
          ))}
      </ul>
      {open && found.isSuccess && items.length === (none ? 1 : 0) && (
        <p className="picker-note muted">Nothing found for “{typed}”.</p>
      )}
      {open && found.isError && (
        <p className="picker-note muted">Could not search: Handoff could not be reached.</p>
      )}
    </div>
  );
}

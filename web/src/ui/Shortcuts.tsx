import { useEffect, useState } from 'react';
import { useLocation } from 'wouter';
import { useAbilities } from '../app/session-context.js';
import { Dialog } from './Dialog.js';

// Keyboard shortcuts, listed on `?`. None acts while the person is typing (in an input, a
// select, a text area or an editable region) or holding Ctrl, Alt or ⌘, and none while a dialog
// of the page is open (its own keys come first). Cards and rows that `j` and `k` move through
// are marked `data-nav-item`; the link they open, `data-nav-target`; a page's search box,
// `data-shortcut-search` (without one, `/` is the header's search of everything).

export const SHORTCUTS: { keys: string; does: string }[] = [
  { keys: '?', does: 'Show this list' },
  { keys: 'n', does: 'New deal (on the pipeline)' },
  { keys: '/', does: "Search: this page's search box, else deals, contacts and companies (the header's)" },
  { keys: 'j', does: 'Next card or row' },
  { keys: 'k', does: 'Previous card or row' },
  { keys: 'Enter', does: 'Open the card or row in focus' },
];

const typing = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/** Moves the focus to the next (1) or previous (-1) card or row, and brings it into view. */
function step(direction: 1 | -1) {
  const items = [...document.querySelectorAll<HTMLElement>('[data-nav-item]')];
  if (items.length === 0) return;
  const at = items.findIndex((item) => item.contains(document.activeElement));
  const next = items[at < 0 ? (direction > 0 ? 0 : items.length - 1) : at + direction];
  if (!next) return;
  next.scrollIntoView({ block: 'nearest' });
  (next.querySelector<HTMLElement>('[data-nav-target]') ?? next).focus();
}

export function Shortcuts() {
  const [open, setOpen] = useState(false);
  const [, navigate] = useLocation();
  const { editCrm } = useAbilities();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (typing(event.target) || document.querySelector('dialog[open]')) return;
      switch (event.key) {
        case '?':
          setOpen(true);
          break;
        case 'n':
          if (!editCrm) return;
          navigate('/pipeline?new=deal');
          break;
        case '/': {
          const search =
            document.querySelector<HTMLInputElement>('[data-shortcut-search]') ??
            document.querySelector<HTMLInputElement>('[data-global-search]');
          if (search) search.focus();
          else navigate('/contacts?focus=search');
          break;
        }
        case 'j':
          step(1);
          break;
        case 'k':
          step(-1);
          break;
        default:
          return;
      }
      event.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [editCrm, navigate]);
  return (
    <>
      <button type="button" className="quiet" onClick={() => setOpen(true)} aria-label="Keyboard shortcuts">
        ?
      </button>
      <Dialog title="Keyboard shortcuts" open={open} onClose={() => setOpen(false)}>
        <table className="shortcuts">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Does</th>
            </tr>
          </thead>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.keys}>
                <td>
                  <kbd>{s.keys}</kbd>
                </td>
                <td>{s.does}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>Shortcuts wait while you type in a field.</p>
      </Dialog>
    </>
  );
}

import { type ReactNode, useEffect, useRef } from 'react';

// The browser's own modal <dialog>: focus moves in and is kept in, Escape closes, the page
// behind is inert. Nothing here re-implements that.

interface DialogProps {
  title: string;
  open: boolean;
  onClose: () => void;
  children: ReactNode;
}

export function Dialog({ title, open, onClose, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} onClose={onClose} aria-labelledby={`${title}-title`.replace(/\W+/g, '-')}>
      <header className="dialog-header">
        <h2 id={`${title}-title`.replace(/\W+/g, '-')}>{title}</h2>
        <button type="button" className="quiet" onClick={onClose} aria-label="Close">
          ×
        </button>
      </header>
      {open && children}
    </dialog>
  );
}

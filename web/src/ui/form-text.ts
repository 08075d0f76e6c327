/** A form's text fields, trimmed: `text('title')` is '' for an empty or missing field. */
export const formText =
  (form: FormData) =>
  (name: string): string =>
    String(form.get(name) ?? '').trim();

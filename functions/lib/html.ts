/** Text safe inside HTML (mail bodies): the five characters that could open markup, as entities. */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

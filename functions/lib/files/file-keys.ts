// Where the files of imports and exports live in the deployment's bucket: uploads land under
// `uploads/` (their arrival starts an import), what Handoff writes goes under `downloads/`. Kept
// apart from the S3 client (files.ts), which a function loads only when it touches a file.

/** How long an upload or download link works. */
export const LINK_SECONDS = 15 * 60;

export const uploadKey = (importId: string) => `uploads/${importId}.csv`;
export const rejectedRowsKey = (importId: string) => `downloads/imports/${importId}-rejected.csv`;
export const skippedRowsKey = (importId: string) => `downloads/imports/${importId}-skipped.csv`;
export const exportKey = (exportId: string, kind: string) => `downloads/exports/${exportId}-${kind}.csv`;

/** An upload's key names its import: `uploads/<importId>.csv`. */
export function importIdOf(key: string): string | undefined {
  return /^uploads\/(imp_[0-9A-Za-z]{1,40})\.csv$/.exec(key)?.[1];
}

/** An attachment's file: under its record, so a bucket listing reads like the CRM. */
export const attachmentKey = (kind: string, parentId: string, attachmentId: string) =>
  `attachments/${kind}/${parentId}/${attachmentId}`;

/** A quote's PDF: rendered once (a quote never changes what it prints), under its deal's attachments. */
export const quotePdfKey = (dealId: string, quoteId: string) =>
  attachmentKey('quote', dealId, `${quoteId}.pdf`);

/** Where SES stores each message it receives (its S3 action's prefix): `inbound-email/<SES message id>`. */
export const INBOUND_EMAIL_PREFIX = 'inbound-email/';
export const inboundEmailKey = (sesMessageId: string) => `${INBOUND_EMAIL_PREFIX}${sesMessageId}`;

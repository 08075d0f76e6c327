import type { Quote } from '../../../domain/crm/quote.js';
import { quotePdfKey } from '../../lib/files/file-keys.js';
import type { Services } from '../../lib/services.js';

// A quote's PDF is stored privately in the files bucket (beside the deal's attachments) the first
// time it is asked for, and read from there after: a quote prints only what it froze when it was
// made, so one rendering is its document for good. People reach it by a short-lived signed link.

/** The renderer (pdfkit, fontkit, the fonts) is loaded by the first render only: a CRM API
 * instance that renders no PDF does not pay for it at its cold start (its own chunk). */
const renderQuotePdf = async (quote: Quote) => (await import('../quote-pdf.js')).renderQuotePdf(quote);

export const quoteFileName = (q: Pick<Quote, 'number' | 'quoteVersion'>) =>
  `${q.number}-v${q.quoteVersion}.pdf`;

/** The quote's PDF bytes: stored ones, else rendered now and stored. */
export async function quotePdf(s: Pick<Services, 'files'>, quote: Quote): Promise<Buffer> {
  const files = await s.files();
  const key = quotePdfKey(quote.dealId, quote.id);
  if ((await files.storedSize(key)) !== undefined) return files.readBytes(key);
  const pdf = await renderQuotePdf(quote);
  await files.writeFile(key, pdf, 'application/pdf');
  return pdf;
}

/** A link to download the quote's PDF (rendered and stored first if it never was). */
export async function quotePdfLink(
  s: Pick<Services, 'files' | 'quotes'>,
  id: string,
  now: number,
): Promise<{ url: string; expiresAt: string; fileName: string }> {
  const quote = await s.quotes.require(id);
  const files = await s.files();
  const key = quotePdfKey(quote.dealId, quote.id);
  if ((await files.storedSize(key)) === undefined)
    await files.writeFile(key, await renderQuotePdf(quote), 'application/pdf');
  const fileName = quoteFileName(quote);
  return { ...(await files.downloadLink(key, fileName, now)), fileName };
}

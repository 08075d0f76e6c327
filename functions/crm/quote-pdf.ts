import PDFDocument from 'pdfkit';
import type { LineItem } from '../../domain/crm/line-items.js';
import { type Quote, quoteLabel } from '../../domain/crm/quote.js';
import { fonts } from '../lib/pdf/fonts.js';
import { fontRuns, visualOrder } from '../lib/pdf/text-runs.js';

// A quote as the customer reads it: an A4 PDF rendered server-side with pdfkit, its fonts
// embedded (lib/pdf/fonts.ts: names in any script, right-to-left ones, CJK, emoji). It prints only
// what the quote froze when it was made (its lines, totals, scope, terms, customer), never its
// status, so one rendering serves every later read: it is stored once and linked after.

const MARGIN = 50;
const PAGE = { width: 595.28, height: 841.89 };
const WIDTH = PAGE.width - 2 * MARGIN;
const COLUMNS = [
  { key: 'name', title: 'Item', width: 160, align: 'left' },
  { key: 'quantity', title: 'Qty', width: 50, align: 'right' },
  { key: 'unitPrice', title: 'Unit price', width: 70, align: 'right' },
  { key: 'discount', title: 'Disc.', width: 40, align: 'right' },
  { key: 'tax', title: 'Tax', width: 40, align: 'right' },
  { key: 'net', title: 'Net', width: 65, align: 'right' },
  { key: 'total', title: 'Total', width: 70, align: 'right' },
] as const;

/** Minor units as a decimal amount with the currency's own digits, grouped: `1,234.50`. */
export function formatAmount(amount: number, currency: string): string {
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const sign = amount < 0 ? '-' : '';
  const text = String(Math.abs(amount)).padStart(digits + 1, '0');
  const whole = text.slice(0, text.length - digits).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}${digits ? `.${text.slice(text.length - digits)}` : ''}`;
}

const percent = (n: number) => (n ? `${n}%` : '');
const quantity = (l: LineItem) =>
  `${l.quantity} ${l.unit}${l.quantity === 1 || l.unit === 'item' ? '' : 's'}`;

type Doc = InstanceType<typeof PDFDocument>;

/** Writes text in the fonts that draw it, right-to-left runs in visual order. */
function write(
  doc: Doc,
  text: string,
  at: { x: number; y: number },
  options: PDFKit.Mixins.TextOptions & { bold?: boolean; size?: number } = {},
): void {
  const { bold, size = 10, ...rest } = options;
  const lines = text.split(/\r?\n/).map(visualOrder).join('\n');
  const runs = fontRuns(lines, fonts(), bold ? 'bold' : 'text');
  doc.fontSize(size);
  runs.forEach((run, i) => {
    // registering again is free: pdfkit embeds each font once per document, with the glyphs used
    if (run.embed) doc.registerFont(run.font, run.embed as unknown as string);
    doc.font(run.font);
    const continued = i < runs.length - 1;
    if (i === 0) doc.text(run.text, at.x, at.y, { ...rest, continued });
    else doc.text(run.text, { continued });
  });
}

function height(doc: Doc, text: string, width: number, size = 10): number {
  doc.font('text').fontSize(size);
  return doc.heightOfString(text, { width });
}

function tableHeader(doc: Doc, y: number): number {
  let x = MARGIN;
  for (const c of COLUMNS) {
    write(doc, c.title, { x, y }, { width: c.width - 4, align: c.align, bold: true, size: 9 });
    x += c.width;
  }
  doc
    .moveTo(MARGIN, y + 14)
    .lineTo(MARGIN + WIDTH, y + 14)
    .lineWidth(0.5)
    .stroke();
  return y + 18;
}

function cells(l: LineItem): Record<(typeof COLUMNS)[number]['key'], string> {
  const c = l.unitPrice.currency;
  return {
    name: l.name,
    quantity: quantity(l),
    unitPrice: formatAmount(l.unitPrice.amount, c),
    discount: percent(l.discountPercent),
    tax: percent(l.taxPercent),
    net: formatAmount(l.net, c),
    total: formatAmount(l.total, c),
  };
}

/** The quote's PDF (a deterministic rendering: its dates are the quote's own). */
export function renderQuotePdf(quote: Quote): Promise<Buffer> {
  const f = fonts();
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    // pdfkit takes a parsed (fontkit) font where it takes a file: the fonts are parsed once
    font: f.regular as unknown as string,
    info: {
      Title: `Quote ${quoteLabel(quote)}`,
      Subject: quote.title,
      Creator: 'Handoff',
      CreationDate: new Date(quote.createdAt),
    },
  });
  doc.registerFont('text', f.regular as unknown as string);
  doc.registerFont('bold', f.bold as unknown as string);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const bottom = PAGE.height - MARGIN;
  write(doc, `Quote ${quote.number}`, { x: MARGIN, y: MARGIN }, { bold: true, size: 20 });
  write(doc, `Version ${quote.quoteVersion}`, { x: MARGIN, y: MARGIN + 6 }, { width: WIDTH, align: 'right' });
  let y = MARGIN + 34;
  write(doc, quote.title, { x: MARGIN, y }, { bold: true, size: 12, width: WIDTH });
  y += height(doc, quote.title, WIDTH, 12) + 6;
  const customer = [quote.customer.companyName, quote.customer.contactName].filter(Boolean).join(' · ');
  const facts = [
    customer ? `For: ${customer}` : undefined,
    `Date: ${quote.createdAt.slice(0, 10)}`,
    `Valid until: ${quote.validUntil}`,
    `Currency: ${quote.currency}`,
  ].filter((t): t is string => t !== undefined);
  for (const fact of facts) {
    write(doc, fact, { x: MARGIN, y }, { width: WIDTH });
    y += height(doc, fact, WIDTH) + 2;
  }
  y = tableHeader(doc, y + 12);
  for (const line of quote.lineItems) {
    const row = cells(line);
    const h = Math.max(height(doc, row.name, COLUMNS[0].width - 4, 9), 11) + 4;
    if (y + h > bottom) {
      doc.addPage();
      y = tableHeader(doc, MARGIN);
    }
    let x = MARGIN;
    for (const c of COLUMNS) {
      write(doc, row[c.key], { x, y }, { width: c.width - 4, align: c.align, size: 9 });
      x += c.width;
    }
    y += h;
  }
  if (y + 70 > bottom) {
    doc.addPage();
    y = MARGIN;
  }
  doc
    .moveTo(MARGIN, y + 2)
    .lineTo(MARGIN + WIDTH, y + 2)
    .lineWidth(0.5)
    .stroke();
  y += 8;
  const t = quote.totals;
  const sums: [string, number, boolean][] = [
    ['Subtotal', t.gross, false],
    ['Discount', t.discount, false],
    ['Net', t.net, false],
    ['Tax', t.tax, false],
    ['Total', t.total, true],
  ];
  for (const [label, amount, bold] of sums) {
    if (label === 'Discount' && amount === 0) continue;
    write(doc, label, { x: MARGIN + WIDTH - 220, y }, { width: 100, bold });
    write(
      doc,
      `${quote.currency} ${formatAmount(amount, quote.currency)}`,
      { x: MARGIN + WIDTH - 120, y },
      {
        width: 116,
        align: 'right',
        bold,
      },
    );
    y += 14;
  }
  for (const [title, body] of [
    ['Scope', quote.scopeSummary],
    ['Terms', quote.terms],
  ] as const) {
    if (!body) continue;
    const h = height(doc, body, WIDTH);
    if (y + 30 + Math.min(h, 200) > bottom) {
      doc.addPage();
      y = MARGIN;
    }
    y += 16;
    write(doc, title, { x: MARGIN, y }, { bold: true, size: 12 });
    y += 18;
    write(doc, body, { x: MARGIN, y }, { width: WIDTH });
    y = doc.y + 4;
  }
  doc.end();
  return done;
}

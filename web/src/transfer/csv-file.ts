import { parse } from 'csv-parse/browser/esm/sync';
import { stringify } from 'csv-stringify/browser/esm/sync';

// A CSV file read in the browser before it is imported: its text (refused here if it is not
// UTF-8, as the import would refuse it, but before anything is asked of the API), its header and
// first rows for the mapping preview, and, when the person maps a column to another field or
// leaves one out, the file written again with the header the import takes. csv-parse and
// csv-stringify are the libraries the import itself reads and the export writes with.

export class FileNotReadable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileNotReadable';
  }
}

export interface CsvPreview {
  text: string;
  header: string[];
  /** The first few data rows, for examples of each column. */
  sample: string[][];
}

const SAMPLE_ROWS = 3;

export async function previewOf(file: File): Promise<CsvPreview> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(await file.arrayBuffer());
  } catch {
    throw new FileNotReadable(
      'The file is not UTF-8 text. Save it as “CSV UTF-8” (in Excel: Save as → CSV UTF-8) and choose it again.',
    );
  }
  let records: string[][];
  try {
    records = parse(text, { to: SAMPLE_ROWS + 1, relax_column_count: true, skip_empty_lines: true });
  } catch (error) {
    throw new FileNotReadable(`The file is not a CSV file the import can read: ${(error as Error).message}`);
  }
  const [header = [], ...sample] = records;
  if (header.length === 0) throw new FileNotReadable('The file is empty: it has no header row.');
  return { text, header: header.map((h) => h.trim()), sample };
}

/**
 * The file with the header the import takes: each column of the file under the name it was
 * mapped to, and the columns mapped to nothing left out (of every row).
 */
export function remapped(text: string, mapping: string[]): string {
  const records: string[][] = parse(text, { relax_column_count: true, skip_empty_lines: true });
  const kept = mapping.flatMap((name, i) => (name ? [i] : []));
  const rows = records.slice(1).map((row) => kept.map((i) => row[i] ?? ''));
  return stringify([kept.map((i) => mapping[i]!), ...rows]);
}

/** The rows of a report the import wrote (rejected or skipped rows), header first. */
export const rowsOf = (text: string): string[][] =>
  parse(text, { relax_column_count: true, skip_empty_lines: true, bom: true });

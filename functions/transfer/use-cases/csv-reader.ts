import { type Readable, Transform } from 'node:stream';
import { CsvError, parse } from 'csv-parse';

// Reads a CSV file as a stream (csv-parse), strictly: the bytes must be UTF-8 (a file saved in
// another encoding would import garbled names), quotes must close, and each record is numbered
// as a spreadsheet numbers its rows (the header is row 1). A problem that makes the whole file
// unreadable is a CsvFileProblem, found by the first pass before anything is written.

export class CsvFileProblem extends Error {
  constructor(
    readonly title: string,
    readonly detail: string,
    readonly line?: number,
  ) {
    super(detail);
  }
}

/** UTF-8, strictly: the first byte sequence that is not UTF-8 stops the read, naming its line. */
function strictUtf8(): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  return new Transform({
    readableObjectMode: false,
    transform(chunk: Buffer, _encoding, done) {
      try {
        const text = decoder.decode(chunk, { stream: true });
        for (const c of text) if (c === '\n') line++;
        done(null, text);
      } catch {
        // where in this chunk: the lines before the first character that could not be decoded
        const lenient = new TextDecoder('utf-8').decode(chunk);
        for (const c of lenient.slice(0, Math.max(0, lenient.indexOf('\uFFFD')))) if (c === '\n') line++;
        done(
          new CsvFileProblem(
            'The file is not UTF-8',
            `the bytes near line ${line} are not UTF-8 text; save the file as "CSV UTF-8" and upload it again`,
            line,
          ),
        );
      }
    },
    flush(done) {
      try {
        done(null, decoder.decode());
      } catch {
        done(new CsvFileProblem('The file is not UTF-8', 'the file ends in the middle of a character', line));
      }
    },
  });
}

export interface CsvRecord {
  /** The spreadsheet row: the header is row 1, the first record row 2. */
  row: number;
  cells: string[];
}

/** Every record of the file, header first, as its bytes arrive. */
export async function* readCsv(source: Readable): AsyncGenerator<CsvRecord> {
  const decoder = strictUtf8();
  let lastLine = 0;
  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
    // the line each record ends on, known as it is parsed (before an error stops the stream)
    on_record: (record, context) => {
      lastLine = context.lines;
      return record;
    },
  });
  source.on('error', (e) => parser.destroy(e));
  decoder.on('error', (e) => parser.destroy(e));
  source.pipe(decoder).pipe(parser);
  let row = 0;
  try {
    for await (const { record } of parser as AsyncIterable<{ record: string[] }>) {
      row++;
      yield { row, cells: record };
    }
  } catch (error) {
    if (error instanceof CsvFileProblem) throw error;
    if (error instanceof CsvError) {
      if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
        throw new CsvFileProblem(
          'A quote never closes',
          `the quoted value that starts on line ${lastLine + 1} has no closing quote`,
          lastLine + 1,
        );
      }
      throw new CsvFileProblem(
        'The file is not valid CSV',
        error.message,
        (error as { lines?: number }).lines,
      );
    }
    throw error;
  } finally {
    source.unpipe(decoder);
    decoder.unpipe(parser);
    if (!source.destroyed) source.destroy();
  }
}

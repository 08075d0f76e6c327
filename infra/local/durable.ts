import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

// What the local runtime keeps on disk so that a kill loses nothing AWS would have kept: queue
// messages, events a bus accepted but has not delivered yet, Lambda's asynchronous event
// queues, stream checkpoints. Each write makes its folder first (someone may have removed
// .local/<folder> while the runtime runs) and replaces a file atomically (write, then rename),
// so a kill leaves the old file or the new one, never half of one.

export function writeFileSafely(file: string, data: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, data);
  renameSync(temporary, file);
}

export function appendLine(file: string, line: string): void {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${line}\n`);
}

export function readJsonLines<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as T];
      } catch {
        return []; // the last line of a killed writer may be cut short
      }
    });
}

/** A folder of JSON records, one file per id: work that must survive a restart. */
export class DurableRecords<T> {
  constructor(private readonly dir: string) {}

  private file(id: string): string {
    return join(this.dir, `${encodeURIComponent(id)}.json`);
  }

  put(id: string, record: T): void {
    writeFileSafely(this.file(id), JSON.stringify(record));
  }

  delete(id: string): void {
    rmSync(this.file(id), { force: true });
  }

  /** Every record kept, oldest file name first (ids are time-ordered where order matters). */
  all(): { id: string; record: T }[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .flatMap((f) => {
        try {
          return [
            {
              id: decodeURIComponent(f.slice(0, -5)),
              record: JSON.parse(readFileSync(join(this.dir, f), 'utf8')) as T,
            },
          ];
        } catch {
          return [];
        }
      });
  }

  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

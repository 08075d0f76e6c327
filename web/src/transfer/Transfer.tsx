import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ChangeEvent, type FormEvent, useEffect, useId, useState } from 'react';
import { answer, type Schemas } from '../api/client.js';
import { useCustomFields } from '../api/custom-fields.js';
import { useCursorPages } from '../api/paging.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { Field } from '../ui/Field.js';
import { dateTime } from '../ui/format.js';
import { Pager } from '../ui/Pager.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { type CsvPreview, FileNotReadable, previewOf, remapped, rowsOf } from './csv-file.js';
import { ExportStatus, useExportJob } from './export-job.js';
import { IMPORT_LAYOUT, type ImportKind, importColumns, matchColumn } from './import-layout.js';

// Imports and exports on screen (docs/api.md, "Importing and exporting CSV"). An import shows
// how the file's columns map to fields before anything is written, and will not start while a
// required column is missing or a column has nowhere to go; then its progress, and the report of
// the rows it rejected or skipped. An export of any saved view (or of everything) is written by
// the API and downloaded when it is ready.

type ImportAnswer = Schemas['ImportAnswer'];

const KINDS: { kind: ImportKind; label: string }[] = [
  { kind: 'contacts', label: 'Contacts' },
  { kind: 'companies', label: 'Companies' },
  { kind: 'deals', label: 'Deals' },
];

const done = (job: ImportAnswer | undefined) => job?.status === 'completed' || job?.status === 'failed';

export function Transfer() {
  const { editCrm } = useAbilities();
  return (
    <div className="transfer">
      <h1>Import and export</h1>
      {editCrm && <ImportCsv />}
      <ExportCsv />
      {editCrm && <PastImports />}
    </div>
  );
}

function ImportCsv() {
  const { client } = useSession();
  const custom = useCustomFields('contact');
  const fileInput = useId();
  const [kind, setKind] = useState<ImportKind>('contacts');
  const [onDuplicate, setOnDuplicate] = useState<'skip' | 'update'>('skip');
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<CsvPreview | null>(null);
  const [unreadable, setUnreadable] = useState<string | null>(null);
  /** Per column of the file: the field it goes to, '' to leave it out, null while not chosen. */
  const [mapping, setMapping] = useState<(string | null)[]>([]);
  const columns = importColumns(kind, custom.data?.fields ?? []);
  const map = (header: string[], k: ImportKind) => {
    const cols = importColumns(k, custom.data?.fields ?? []);
    return header.map((h) => matchColumn(h, cols) || null);
  };

  const start = useMutation({
    mutationFn: async () => {
      if (!file || !preview) throw new Error('choose a file first');
      const job = await answer(
        client.POST('/imports', { body: { kind, onDuplicate, fileName: file.name.slice(0, 200) } }),
      );
      if (!job.upload) throw new Error('the API gave no upload link');
      const same = mapping.every((name, i) => name === preview.header[i]);
      const body = same
        ? file
        : new Blob(
            [
              remapped(
                preview.text,
                mapping.map((m) => m ?? ''),
              ),
            ],
            { type: 'text/csv' },
          );
      const put = await fetch(job.upload.url, { method: 'PUT', headers: job.upload.headers, body });
      if (!put.ok) throw new Error(`the file store refused the upload (${put.status})`);
      return job;
    },
  });
  const id = start.data?.id;
  const followed = useQuery({
    queryKey: ['import', id],
    queryFn: () => answer(client.GET('/imports/{id}', { params: { path: { id: id! } } })),
    enabled: Boolean(id),
    refetchInterval: (q) => (done(q.state.data) ? false : 1_000),
  });
  const job = followed.data ?? start.data;
  const queryClient = useQueryClient();
  const finished = done(job);
  useEffect(() => {
    if (finished) void queryClient.invalidateQueries({ queryKey: ['imports'] });
  }, [finished, queryClient]);

  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0] ?? null;
    setFile(chosen);
    setPreview(null);
    setUnreadable(null);
    start.reset();
    if (!chosen) return;
    try {
      const read = await previewOf(chosen);
      setPreview(read);
      setMapping(map(read.header, kind));
    } catch (error) {
      setUnreadable(error instanceof FileNotReadable ? error.message : String(error));
    }
  };
  const required = IMPORT_LAYOUT[kind].required;
  const missing = preview ? required.filter((r) => !mapping.includes(r)) : [];
  const unmapped = preview ? preview.header.filter((_h, i) => mapping[i] === null) : [];
  const repeated = [
    ...new Set(mapping.filter((m, i): m is string => Boolean(m) && mapping.indexOf(m) !== i)),
  ];
  const labelOf = (name: string) => columns.find((c) => c.name === name)?.label ?? name;
  const startable = preview && missing.length === 0 && unmapped.length === 0 && repeated.length === 0;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (startable) start.mutate();
  };
  const running = start.isPending || (job !== undefined && !done(job));

  return (
    <section aria-labelledby="import-title" className="card">
      <h2 id="import-title">Import a CSV file</h2>
      <form onSubmit={submit} noValidate aria-label="Import">
        <div className="row">
          <Field label="Import" path="kind" kind="choice">
            {(p) => (
              <select
                {...p}
                value={kind}
                disabled={running}
                onChange={(e) => {
                  const k = e.target.value as ImportKind;
                  setKind(k);
                  if (preview) setMapping(map(preview.header, k));
                  start.reset();
                }}
              >
                {KINDS.map((k) => (
                  <option key={k.kind} value={k.kind}>
                    {k.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label="A row that matches an existing record"
            path="onDuplicate"
            kind="choice"
            hint={
              kind === 'contacts'
                ? 'Matched by id, else by email.'
                : kind === 'companies'
                  ? 'Matched by id, else by domain.'
                  : 'Matched by id.'
            }
          >
            {(p) => (
              <select
                {...p}
                value={onDuplicate}
                disabled={running}
                onChange={(e) => setOnDuplicate(e.target.value as 'skip' | 'update')}
              >
                <option value="skip">is skipped (listed in the report)</option>
                <option value="update">updates the record</option>
              </select>
            )}
          </Field>
        </div>
        <p>
          <label htmlFor={fileInput}>CSV file (UTF-8, a header row first) </label>
          <input id={fileInput} type="file" accept=".csv,text/csv" onChange={choose} disabled={running} />
        </p>
        {unreadable && (
          <div role="alert" className="problem">
            <strong>This file cannot be imported.</strong>
            <p>{unreadable}</p>
          </div>
        )}
        {preview && (
          <>
            <table aria-label="Column mapping" className="mapping">
              <thead>
                <tr>
                  <th scope="col">Column in the file</th>
                  <th scope="col">First values</th>
                  <th scope="col">Goes to</th>
                </tr>
              </thead>
              <tbody>
                {preview.header.map((h, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a file's columns are known by position (two may share a name)
                  <tr key={i} data-column={h}>
                    <th scope="row">{h || <span className="muted">(no name)</span>}</th>
                    <td className="muted">
                      {preview.sample
                        .map((r) => r[i] ?? '')
                        .filter(Boolean)
                        .join(' · ') || '–'}
                    </td>
                    <td>
                      <select
                        aria-label={`Where “${h}” goes`}
                        value={mapping[i] ?? '?'}
                        aria-invalid={mapping[i] === null || repeated.includes(mapping[i] ?? '')}
                        disabled={running}
                        onChange={(e) =>
                          setMapping((m) =>
                            m.map((x, j) => (j === i ? (e.target.value === '?' ? null : e.target.value) : x)),
                          )
                        }
                      >
                        {mapping[i] === null && <option value="?">choose a field</option>}
                        <option value="">leave it out</option>
                        {columns.map((c) => (
                          <option key={c.name} value={c.name}>
                            {c.label} ({c.name})
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {(missing.length > 0 || repeated.length > 0 || unmapped.length > 0) && (
              <div role="alert" className="problem" data-mapping-problem>
                <strong>Not started: the columns do not fit an import of {kind}.</strong>
                {missing.length > 0 && (
                  <p>
                    The file needs a column for {missing.map((m) => `${labelOf(m)} (${m})`).join(', ')}: add
                    it to the file, or choose which column holds it.
                  </p>
                )}
                {unmapped.length > 0 && (
                  <p>
                    The import does not know the column{unmapped.length > 1 ? 's' : ''}{' '}
                    {unmapped.map((u) => `“${u}”`).join(', ')}: choose the field each goes to, or leave it
                    out.
                  </p>
                )}
                {repeated.length > 0 && (
                  <p>Two columns go to {repeated.map(labelOf).join(', ')}: choose one.</p>
                )}
              </div>
            )}
            <p className="muted">
              {mapping.some((m, i) => m !== preview.header[i])
                ? 'The file is uploaded with these columns (renamed, or left out); nothing else in it changes.'
                : 'Every column is one the import takes, as it is.'}
            </p>
            <button type="submit" disabled={!startable || running || start.isSuccess}>
              Start the import
            </button>
          </>
        )}
      </form>
      <ProblemAlert error={start.error} verb="started" onRetry={() => start.mutate()} />
      <ProblemAlert
        error={followed.error}
        loading="the import's progress"
        onRetry={() => void followed.refetch()}
      />
      {job && <ImportProgress job={job} />}
    </section>
  );
}

const STAGE: Record<ImportAnswer['status'], string> = {
  'waiting-for-upload': 'Uploading the file…',
  checking: 'Checking the file (nothing is written unless all of it can be read)…',
  importing: 'Importing…',
  completed: 'Imported.',
  failed: 'The import failed: nothing was written.',
};

function ImportProgress({ job }: { job: ImportAnswer }) {
  const { rows } = job;
  return (
    <div className="import-progress" data-import-status={job.status}>
      <p role="status">
        {STAGE[job.status]}
        {job.status === 'importing' &&
          rows.total !== null &&
          ` ${rows.read.toLocaleString()} of ${rows.total.toLocaleString()} rows read.`}
      </p>
      {(job.status === 'importing' || job.status === 'checking') && (
        <progress
          max={rows.total ?? 1}
          value={rows.total ? rows.read : undefined}
          aria-label="Import progress"
        />
      )}
      {job.status === 'failed' && job.error && (
        <div role="alert" className="problem">
          <strong>{job.error.title}</strong>
          <p>
            {job.error.detail}
            {job.error.line !== undefined && ` (line ${job.error.line})`}
          </p>
        </div>
      )}
      {job.status === 'completed' && (
        <>
          <dl className="facts" aria-label="Rows">
            <div className="fact">
              <dt>Rows</dt>
              <dd>{rows.total ?? rows.read}</dd>
            </div>
            <div className="fact">
              <dt>Created</dt>
              <dd data-count="created">{rows.created}</dd>
            </div>
            <div className="fact">
              <dt>Updated</dt>
              <dd data-count="updated">{rows.updated}</dd>
            </div>
            <div className="fact">
              <dt>Skipped (duplicates)</dt>
              <dd data-count="skipped">{rows.skipped}</dd>
            </div>
            <div className="fact">
              <dt>Rejected</dt>
              <dd data-count="rejected">{rows.rejected}</dd>
            </div>
          </dl>
          {job.rejectedRows && (
            <RowReport title="Rejected rows" link={job.rejectedRows} file="rejected-rows.csv" />
          )}
          {job.skippedRows && (
            <RowReport title="Skipped rows (duplicates)" link={job.skippedRows} file="skipped-rows.csv" />
          )}
        </>
      )}
    </div>
  );
}

/** A report the import wrote (its rows, read from its link), shown and offered as a download. */
function RowReport({ title, link, file }: { title: string; link: { url: string }; file: string }) {
  const report = useQuery({
    queryKey: ['import-report', link.url],
    queryFn: async () => {
      const res = await fetch(link.url);
      if (!res.ok) throw new Error(`the file store answered ${res.status}`);
      return rowsOf(await res.text());
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
  const [header = [], ...rows] = report.data ?? [];
  const headingId = useId();
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>
        {title}{' '}
        <a href={link.url} download={file}>
          Download ({file})
        </a>
      </h3>
      <ProblemAlert
        error={report.error}
        loading={`the ${title.toLowerCase()}`}
        onRetry={() => void report.refetch()}
      />
      {rows.length > 0 && (
        <table aria-labelledby={headingId}>
          <thead>
            <tr>
              {header.map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, 200).map((r, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a report's lines have no id
              <tr key={i}>
                {r.map((cell, j) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: cells by position
                  <td key={j}>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rows.length > 200 && (
        <p className="muted">The first 200 of {rows.length}; the download has them all.</p>
      )}
    </section>
  );
}

function ExportCsv() {
  const { client } = useSession();
  const [kind, setKind] = useState<ImportKind>('deals');
  const [segmentId, setSegmentId] = useState('');
  const exporting = useExportJob();
  const entity = kind === 'contacts' ? 'contact' : kind === 'companies' ? 'company' : 'deal';
  const segments = useQuery({
    queryKey: ['segments', 'for-export'],
    queryFn: () => answer(client.GET('/segments', { params: { query: { limit: 100 } } })),
  });
  const views = (segments.data?.items ?? []).filter((s) => s.entity === entity);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    exporting.start.mutate({ kind, ...(segmentId ? { segmentId } : {}) });
  };
  return (
    <section aria-labelledby="export-title" className="card">
      <h2 id="export-title">Export to CSV</h2>
      <form onSubmit={submit} className="inline-form" aria-label="Export">
        <Field label="Export" path="kind" kind="choice">
          {(p) => (
            <select
              {...p}
              value={kind}
              onChange={(e) => {
                setKind(e.target.value as ImportKind);
                setSegmentId('');
              }}
            >
              {KINDS.map((k) => (
                <option key={k.kind} value={k.kind}>
                  {k.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Which" path="segmentId" kind="choice">
          {(p) => (
            <select {...p} value={segmentId} onChange={(e) => setSegmentId(e.target.value)}>
              <option value="">all of them</option>
              {views.map((v) => (
                <option key={v.id} value={v.id}>
                  the view “{v.name}”
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" disabled={exporting.start.isPending}>
          Export
        </button>
      </form>
      <ProblemAlert error={exporting.start.error} verb="exported" />
      <ExportStatus exporting={exporting} what={kind} />
    </section>
  );
}

function PastImports() {
  const { client } = useSession();
  const pages = useCursorPages<Schemas['ImportJob']>({
    key: ['imports'],
    limit: 10,
    fetchPage: (cursor, limit) =>
      answer(client.GET('/imports', { params: { query: { limit, ...(cursor ? { cursor } : {}) } } })),
  });
  if (pages.query.isSuccess && pages.items.length === 0 && pages.page === 1) return null;
  return (
    <section aria-labelledby="past-imports" className="card">
      <h2 id="past-imports">Your imports</h2>
      <ProblemAlert
        error={pages.query.error}
        loading="your imports"
        onRetry={() => void pages.query.refetch()}
      />
      <table>
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Of</th>
            <th scope="col">Started</th>
            <th scope="col">Status</th>
            <th scope="col">Created, updated, skipped, rejected</th>
          </tr>
        </thead>
        <tbody>
          {pages.items.map((j) => (
            <tr key={j.id}>
              <td>{j.fileName ?? j.id}</td>
              <td>{j.kind}</td>
              <td>{dateTime(j.createdAt)}</td>
              <td>{j.status}</td>
              <td>
                {j.rows.created}, {j.rows.updated}, {j.rows.skipped}, {j.rows.rejected}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager what="your imports" pages={pages} />
    </section>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'wouter';
import { type ApiProblem, answer, ifMatch, type Schemas } from '../api/client.js';
import { useCustomFields } from '../api/custom-fields.js';
import { type ApiPage, useCursorPages } from '../api/paging.js';
import { usePeople, usePipelines } from '../api/queries.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { ExportStatus, useExportJob } from '../transfer/export-job.js';
import { useDebounced } from '../ui/debounce.js';
import { Field } from '../ui/Field.js';
import { Pager } from '../ui/Pager.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { useSelection } from '../ui/selection.js';
import { BulkActions } from './BulkActions.js';
import { DealFilters, filterPaths } from './DealFilters.js';
import { BUILT_IN_COLUMNS, customColumns, SORTS } from './deal-columns.js';
import {
  atTheFilter,
  conditionKind,
  type DealFilter,
  draftFromFilter,
  type FilterDraft,
  filterFromDraft,
  listable,
  listQuery,
  sameFilter,
  unplaced,
} from './deal-filter.js';
import { keepDisplay, readDisplay, type Segment, useDealViews, type ViewDisplay } from './views.js';

// The deals list (issue 26): a table of deals, its columns chosen, sorted by any order the API
// keeps (GET /deals `sort`), filtered by everything a segment takes, paged with the API's
// cursors; a filter saved as a view (a segment) and opened again from the list of views;
// exported to CSV; and, for managers, deals chosen for a bulk action.

type Deal = Schemas['Deal'];

export function DealsList() {
  const { client, userId } = useSession();
  const { manage, editCrm } = useAbilities();
  const { nameOf } = usePeople();
  const pipelines = usePipelines();
  const custom = useCustomFields('deal');
  const filterable = custom.fields.filter((f) => conditionKind(f) !== null);
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const viewId = params.get('view');
  const views = useDealViews();
  const view = useQuery({
    queryKey: ['segment', viewId],
    queryFn: () => answer(client.GET('/segments/{id}', { params: { path: { id: viewId! } } })),
    enabled: Boolean(viewId),
  });
  const [applied, setApplied] = useState<DealFilter>({});
  const [draft, setDraft] = useState<FilterDraft>({});
  const [display, setDisplayState] = useState<ViewDisplay>(() => readDisplay(viewId));
  const [size, setSize] = useState(25);
  const [typed, setTyped] = useState('');
  const q = useDebounced(typed.trim(), 300);
  const [now] = useState(() => Date.now());

  // a view opened (or read again after a change): its filter and its columns and order
  const opened = useRef<string | null>(null);
  useEffect(() => {
    const v = view.data;
    const at = v ? `${v.id}@${v.version}` : viewId ? null : 'all';
    if (at === null || !custom.isSuccess || opened.current === at) return;
    opened.current = at;
    const filter = v?.filter ?? {};
    setApplied(filter);
    setDraft(draftFromFilter(filter, custom.fields));
    setDisplayState(readDisplay(v?.id ?? null));
  }, [view.data, viewId, custom.isSuccess, custom.fields]);
  const setDisplay = (next: ViewDisplay) => {
    setDisplayState(next);
    keepDisplay(viewId, next);
  };

  const openView = view.data && view.data.id === viewId ? view.data : undefined;
  const mode = listable(applied)
    ? 'list'
    : openView && sameFilter(openView.filter, applied)
      ? 'view'
      : 'unsaved';
  const sort = q || mode === 'view' ? '' : display.sort;
  const pages = useCursorPages<Deal>({
    key: ['deals', 'list', mode, mode === 'view' ? viewId : null, applied, q, sort],
    limit: size,
    enabled: mode !== 'unsaved',
    fetchPage: (cursor, limit) =>
      mode === 'view'
        ? (answer(
            client.GET('/segments/{id}/members', {
              params: { path: { id: viewId! }, query: { limit, ...(cursor ? { cursor } : {}) } },
            }),
          ) as Promise<ApiPage<Deal>>)
        : answer(
            client.GET('/deals', {
              params: { query: { ...listQuery(applied, q, sort), limit, ...(cursor ? { cursor } : {}) } },
            }),
          ),
  });

  const selection = useSelection();
  const seen = useRef(new Map<string, Deal>());
  for (const d of pages.items) seen.current.set(d.id, d);
  const chosenDeals = [...selection.chosen].map((id) => seen.current.get(id)).filter((d): d is Deal => !!d);
  const shownIds = pages.items.map((d) => d.id);

  const exporting = useExportJob();
  const save = useMutation({
    mutationFn: async ({ name, as }: { name: string; as: 'new' | 'update' }) => {
      if (as === 'update' && openView)
        return answer(
          client.PATCH('/segments/{id}', {
            params: { path: { id: openView.id }, header: ifMatch(openView.version) },
            body: { ...(name ? { name } : {}), filter: applied },
          }),
        );
      return answer(client.POST('/segments', { body: { name, entity: 'deal', filter: applied } }));
    },
    onSuccess: (saved: Segment) => {
      queryClient.setQueryData(['segment', saved.id], saved);
      void queryClient.invalidateQueries({ queryKey: ['segments'] });
      keepDisplay(saved.id, display);
      setParams({ view: saved.id });
    },
  });
  const remove = useMutation({
    mutationFn: (v: Segment) =>
      answer(client.DELETE('/segments/{id}', { params: { path: { id: v.id }, header: ifMatch(v.version) } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['segments'] });
      setParams({});
    },
  });
  const mayChangeView = openView && (manage || (editCrm && openView.createdBy === userId));

  const paths = filterPaths(filterable);
  const problem =
    atTheFilter(save.error) ?? atTheFilter(pages.query.error) ?? atTheFilter(exporting.start.error);
  const placed = (path: string) =>
    paths.has(path) || path.startsWith('customFields.') || path === 'sort' || path === 'name';
  const elsewhere = unplaced(problem, placed);

  const apply = () => {
    setApplied(filterFromDraft(draft, filterable));
    save.reset();
    exporting.start.reset();
  };
  const stageName = (id: string) =>
    pipelines.data?.flatMap((p) => p.stages).find((s) => s.id === id)?.name ?? 'a removed stage';
  const columns = [...BUILT_IN_COLUMNS, ...customColumns(custom.fields)].filter(
    (c) => c.id === 'title' || display.columns.includes(c.id),
  );
  const sortOf = (c: { sort?: string }) =>
    c.sort && sort.replace(/^-/, '') === c.sort
      ? sort.startsWith('-')
        ? 'descending'
        : 'ascending'
      : undefined;

  return (
    <div className="deals-list">
      <div className="toolbar">
        <h1>Deals{openView ? `: ${openView.name}` : ''}</h1>
        <label>
          Search titles{' '}
          <input
            type="search"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            data-shortcut-search
          />
        </label>
      </div>
      <div className="list-layout">
        <nav aria-label="Views" className="views">
          <h2 className="views-title">Views</h2>
          <ul className="plain-list">
            <li>
              <Link href="/deals" aria-current={viewId ? undefined : 'page'}>
                All deals
              </Link>
            </li>
            {views.views.map((v) => (
              <li key={v.id}>
                <Link href={`/deals?view=${v.id}`} aria-current={v.id === viewId ? 'page' : undefined}>
                  {v.name}
                </Link>{' '}
                <span className="muted">by {nameOf(v.createdBy)}</span>
              </li>
            ))}
          </ul>
          <p className="muted small">
            Views are shared with everyone who reads the CRM. Columns and order are kept in this browser.
          </p>
          <ProblemAlert error={views.error ?? view.error} loading="the views" />
        </nav>
        <div className="list-main">
          <DealFilters
            draft={draft}
            set={(name, value) => setDraft((d) => ({ ...d, [name]: value }))}
            fields={filterable}
            problem={problem}
            onApply={apply}
            onClear={() => {
              setDraft({});
              setApplied({});
            }}
          />
          <div className="toolbar list-tools">
            <Field label="Sort" path="sort" kind="choice" problem={problem}>
              {(p) => (
                <select
                  {...p}
                  value={sort}
                  disabled={Boolean(q) || mode === 'view'}
                  onChange={(e) => setDisplay({ ...display, sort: e.target.value })}
                >
                  {SORTS.map((s) => (
                    <option key={s.value} value={s.value}>
                      {s.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <details className="columns-chooser">
              <summary>Columns</summary>
              <fieldset>
                <legend>Show these columns</legend>
                {[...BUILT_IN_COLUMNS, ...customColumns(custom.fields)]
                  .filter((c) => c.id !== 'title')
                  .map((c) => (
                    <label key={c.id} className="inline">
                      <input
                        type="checkbox"
                        checked={display.columns.includes(c.id)}
                        onChange={(e) =>
                          setDisplay({
                            ...display,
                            columns: e.target.checked
                              ? [...display.columns, c.id]
                              : display.columns.filter((x) => x !== c.id),
                          })
                        }
                      />{' '}
                      {c.label}
                    </label>
                  ))}
              </fieldset>
            </details>
            <button
              type="button"
              onClick={() =>
                exporting.start.mutate({
                  kind: 'deals',
                  // the view as saved is exported by its segment; a filter changed since, as it is now
                  ...(openView && sameFilter(openView.filter, applied)
                    ? { segmentId: openView.id }
                    : { filter: applied }),
                })
              }
              disabled={exporting.start.isPending}
            >
              Export to CSV
            </button>
          </div>
          {q && (
            <p className="muted">Sorted by the matching title word; an export holds the filter's deals.</p>
          )}
          {mode === 'view' && (
            <p className="muted">
              This view filters on custom fields or several tags: its deals come as the API lists a segment's
              members (GET /deals takes neither), in no order you can choose.
            </p>
          )}
          <ExportStatus exporting={exporting} what="the deals" />
          {editCrm && (
            <SaveView
              key={openView ? `${openView.id}@${openView.version}` : 'new'}
              view={openView}
              mayChange={Boolean(mayChangeView)}
              pending={save.isPending || remove.isPending}
              problem={problem}
              onSave={(name, as) => save.mutate({ name, as })}
              onDelete={() => openView && remove.mutate(openView)}
            />
          )}
          <ProblemAlert error={save.error} verb="saved" />
          <ProblemAlert error={remove.error} verb="deleted" />
          <ProblemAlert error={exporting.start.error} verb="exported" />
          <ProblemAlert
            error={pages.query.error}
            loading="the deals"
            onRetry={() => void pages.query.refetch()}
          >
            {elsewhere.length > 0 && (
              <ul>
                {elsewhere.map((e) => (
                  <li key={e}>{e}</li>
                ))}
              </ul>
            )}
          </ProblemAlert>
          {mode === 'unsaved' ? (
            <p className="card" role="status">
              Conditions on custom fields and on several tags run as a saved view: GET /deals does not take
              them. Save the view to see its deals.
            </p>
          ) : (
            <>
              {manage && (
                <BulkActions
                  deals={chosenDeals}
                  onClear={selection.clear}
                  onFinished={(failed) => selection.keepOnly(failed)}
                />
              )}
              <table
                aria-label="Deals"
                aria-busy={pages.query.isFetching}
                data-ready={pages.query.isSuccess && !pages.query.isFetching}
              >
                <thead>
                  <tr>
                    {manage && (
                      <th scope="col">
                        <input
                          type="checkbox"
                          aria-label="Choose every deal on this page"
                          checked={shownIds.length > 0 && shownIds.every((id) => selection.has(id))}
                          onChange={() => selection.toggleAll(shownIds)}
                        />
                      </th>
                    )}
                    {columns.map((c) => (
                      <th key={c.id} scope="col" aria-sort={sortOf(c)}>
                        {c.label}
                        {sortOf(c) && (
                          <span aria-hidden="true">{sortOf(c) === 'ascending' ? ' ↑' : ' ↓'}</span>
                        )}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {pages.items.map((d) => (
                    <tr key={d.id} data-deal-row={d.id} data-nav-item>
                      {manage && (
                        <td>
                          <input
                            type="checkbox"
                            aria-label={`Choose ${d.title}`}
                            checked={selection.has(d.id)}
                            onChange={(e) =>
                              selection.toggle(
                                d.id,
                                e.target.checked,
                                (e.nativeEvent as MouseEvent).shiftKey === true,
                                shownIds,
                              )
                            }
                          />
                        </td>
                      )}
                      {columns.map((c) => (
                        <td key={c.id} data-col={c.id}>
                          {c.cell(d, { nameOf, stageName, now })}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
              {pages.query.isSuccess && pages.items.length === 0 && (
                <p className="muted">{pages.page > 1 ? 'No more deals.' : 'No deal matches.'}</p>
              )}
              <Pager what="deals" pages={pages} size={size} onSize={setSize} />
            </>
          )}
        </div>
      </div>
    </div>
  );
}

function SaveView({
  view,
  mayChange,
  pending,
  problem,
  onSave,
  onDelete,
}: {
  view: Segment | undefined;
  mayChange: boolean;
  pending: boolean;
  problem: ApiProblem | null;
  onSave: (name: string, as: 'new' | 'update') => void;
  onDelete: () => void;
}) {
  const [name, setName] = useState(view?.name ?? '');
  const submit = (as: 'new' | 'update') => (event?: FormEvent) => {
    event?.preventDefault();
    onSave(name.trim(), as);
  };
  return (
    <form className="inline-form save-view" aria-label="Save the view" onSubmit={submit('new')} noValidate>
      <Field label="View name" path="name" problem={problem}>
        {(p) => <input {...p} type="text" value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <button type="submit" disabled={pending || !name.trim()}>
        Save as a new view
      </button>
      {view && mayChange && (
        <>
          <button type="button" onClick={submit('update')} disabled={pending}>
            Save changes to “{view.name}”
          </button>
          <button type="button" className="danger" onClick={onDelete} disabled={pending}>
            Delete the view
          </button>
        </>
      )}
    </form>
  );
}

import {
  type CustomFieldEntity,
  CustomFieldSet,
  fieldsOf,
  NO_CUSTOM_FIELDS,
  validateCustomFields,
} from '../../../../domain/custom-fields/custom-fields.js';
import { CustomFieldsChanged, type FieldIssue } from '../../../../domain/shared/errors.js';
import { type Condition, entityOf, notExists, versionIs, type Write } from '../item.js';
import { configKey } from '../partitions.js';
import { get, patterns, write } from '../pattern.js';
import type { Store } from '../store.js';
import { type UnitOfWork, VersionConflict } from '../unit-of-work.js';

// The custom field definitions: one versioned config item. Every write that carries custom
// values is checked against them; to spare that read on each request, a function instance keeps
// the definitions it last read, and the write's transaction checks (a ConditionCheck, no extra
// round trip) that they are still the current version. If an admin changed them meanwhile, the
// transaction fails, the cache is dropped, and the HTTP edge validates the request again.
// What the kept definitions refuse is never refused on their word alone: a field defined (or
// made optional) in another function instance since is not in them. So when they find issues,
// the definitions are read again (a consistent read) and the request is checked against those
// before any 422: one more read for a refused request, none for an accepted one.

const asSet = entityOf<CustomFieldSet>(CustomFieldSet);

const customFieldsKey = () => configKey('custom-fields');

export const customFieldPatterns = patterns({
  customFieldSet: get({
    entity: 'custom fields',
    pattern: 'the custom field definitions (kept by each function instance until they change)',
    usedBy:
      'every write that carries custom values (checked at the HTTP edge), imports, exports, segments, `GET /custom-fields`',
    functions: ['CrmApi', 'WorkspaceApi', 'TransferApi', 'DeliveryApi', 'CsvImport', 'CsvExport'],
    keyCondition: '`pk = CONFIG#custom-fields, sk = CONFIG`',
    roundTrips: '1 GetItem per instance (and again when they changed, or before a 422)',
    key: customFieldsKey,
  }),
  customFieldsUnchanged: write({
    entity: 'custom fields',
    pattern: 'the definitions a write was checked against are still the current ones when it commits',
    usedBy: 'contact, company, deal and project writes with custom values, imports',
    functions: ['CrmApi', 'DeliveryApi', 'CsvImport'],
    keyCondition: 'ConditionCheck `CONFIG#custom-fields`: at the version checked against',
    roundTrips: "none of its own (a condition of the write's transaction)",
    actions: ['ConditionCheckItem'],
  }),
  customFieldsWritten: write({
    entity: 'custom fields',
    pattern: 'the custom field definitions, changed at their version',
    usedBy: '`POST /custom-fields`, `PATCH`/`DELETE /custom-fields/{entity}/{key}`',
    functions: ['WorkspaceApi'],
    keyCondition: 'Put `CONFIG#custom-fields` / `CONFIG` if absent, or at the version read',
    roundTrips: '1 transaction',
    actions: ['PutItem'],
  }),
});

export interface CustomFieldCheck {
  values: Record<string, unknown> | undefined;
  issues: FieldIssue[];
  /** Add to the write's transaction: the definitions are still the ones checked against. */
  unchanged: Write;
}

export class CustomFieldRepository {
  private cached?: Promise<CustomFieldSet>;

  constructor(private readonly store: Store) {}

  /** The definitions as of the last read of this instance (read once, then on change). */
  current(): Promise<CustomFieldSet> {
    this.cached ??= this.read().catch((error: unknown) => {
      this.cached = undefined;
      throw error;
    });
    return this.cached;
  }

  /** A consistent read, for the admin routes that change definitions. */
  async read(): Promise<CustomFieldSet> {
    const item = await this.store.get(customFieldPatterns.customFieldSet);
    return item ? asSet(item) : NO_CUSTOM_FIELDS;
  }

  /** Reads the definitions again (a consistent read) and keeps them for the next requests. */
  refresh(): Promise<CustomFieldSet> {
    this.cached = undefined;
    return this.current();
  }

  forget(): void {
    this.cached = undefined;
  }

  /**
   * Runs `check` against the kept definitions and, when it finds issues, against the definitions
   * read again; the answer is the last check's, with the set it was made against.
   */
  async checkFresh<R extends { issues: FieldIssue[] }>(
    check: (set: CustomFieldSet) => R,
  ): Promise<{ result: R; set: CustomFieldSet }> {
    const kept = await this.current();
    const result = check(kept);
    if (result.issues.length === 0) return { result, set: kept };
    const fresh = await this.refresh();
    return fresh.version === kept.version ? { result, set: kept } : { result: check(fresh), set: fresh };
  }

  async check(
    entity: CustomFieldEntity,
    input: unknown,
    mode: 'create' | 'patch',
  ): Promise<CustomFieldCheck> {
    const { result, set } = await this.checkFresh((defined) =>
      validateCustomFields(fieldsOf(defined, entity), input, mode),
    );
    return { ...result, unchanged: this.unchanged(set.version) };
  }

  unchanged(version: number): Write {
    const condition: Condition =
      version === 0
        ? notExists
        : { expression: '#version = :v', names: { '#version': 'version' }, values: { ':v': version } };
    return {
      pattern: customFieldPatterns.customFieldsUnchanged,
      check: customFieldsKey(),
      condition,
      onConditionFailed: () => {
        this.forget();
        return new CustomFieldsChanged();
      },
    };
  }

  save(uow: UnitOfWork, before: CustomFieldSet, after: CustomFieldSet): UnitOfWork {
    this.forget();
    return uow.add({
      pattern: customFieldPatterns.customFieldsWritten,
      put: { ...customFieldsKey(), entity: 'custom-fields', ...after },
      condition: before.version === 0 ? notExists : versionIs(before.version),
      onConditionFailed: (current) =>
        new VersionConflict('custom fields', 'custom-fields', before.version, Number(current?.version ?? 0)),
    });
  }
}

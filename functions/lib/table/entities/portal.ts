import type { DomainEvent } from '../../../../domain/events.js';
import { PORTAL_SESSION_SECONDS, type PortalLink } from '../../../../domain/portal/portal-link.js';
import {
  ProjectLogEntry as LogEntrySchema,
  type ProjectLogEntry,
} from '../../../../domain/portal/project-log.js';
import { SharedFile } from '../../../../domain/portal/shared-file.js';
import { toMillis } from '../../../../domain/shared/time.js';
import { ConcurrentModification, entityOf, type Item, type Key, notExists } from '../item.js';
import { type Page, type PageRequest, pageOf } from '../page.js';
import { batchGet, get, patterns, query, write } from '../pattern.js';
import type { Store } from '../store.js';
import { UnitOfWork } from '../unit-of-work.js';
import { projectPartition } from './project.js';

// The customer portal's storage (docs/architecture.md, decision 18): portal links (found by id,
// listed under their project on gsi3), portal sessions (found by id, gone by TTL), the count of
// wrong tokens per source and quarter hour (gone by TTL), and in the project's partition its
// portal timeline (LOG#) and the files shared with the customer (FILE#), both outside the range
// the plan's Query reads. Secrets are stored only as hashes (functions/lib/portal/secrets.ts).
// Items store their end as `validUntil`: `expiresAt` is the table's TTL attribute, in epoch seconds.

const linkKey = (id: string): Key => ({ pk: `PORTAL-LINK#${id}`, sk: 'PORTAL-LINK' });
const sessionKey = (id: string): Key => ({ pk: `PORTAL-SESSION#${id}`, sk: 'PORTAL-SESSION' });
const linksOf = (projectId: string) => `PORTAL-LINKS#${projectId}`;
/** Wrong tokens from one source in one window (a quarter hour). */
const failuresKey = (source: string, windowStart: string): Key => ({
  pk: `PORTAL-FAILURES#${source}`,
  sk: windowStart,
});
const logKey = (projectId: string, at: string, id: string): Key => ({
  pk: projectPartition(projectId),
  sk: `LOG#${at}#${id}`,
});
const fileKey = (projectId: string, attachmentId: string): Key => ({
  pk: projectPartition(projectId),
  sk: `FILE#${attachmentId}`,
});

/** A link is kept this long after it ends (the project's list shows it), then TTL removes it. */
const LINK_KEPT_SECONDS = 90 * 86_400;
/** The window wrong tokens are counted in, and how many one source may send in it. */
export const FAILURE_WINDOW_SECONDS = 15 * 60;
export const MAX_FAILURES_PER_WINDOW = 10;

const epochSeconds = (instant: string) => Math.floor(toMillis(instant) / 1000);

/** The window an instant falls in: its start, as an instant. */
export function failureWindow(now: string): { start: string; end: string } {
  const size = FAILURE_WINDOW_SECONDS * 1000;
  const start = Math.floor(toMillis(now) / size) * size;
  return { start: new Date(start).toISOString(), end: new Date(start + size).toISOString() };
}

export interface StoredLink extends PortalLink {
  secretHash: string;
}

export interface PortalSession {
  id: string;
  linkId: string;
  projectId: string;
  contactId: string;
  contactName: string;
  secretHash: string;
  createdAt: string;
  /** When it stops (PORTAL_SESSION_SECONDS after it starts, or its link's end if sooner). */
  validUntil: string;
  viewedAt?: string;
}

function linkItem(link: PortalLink, secretHash: string): Item {
  const { expiresAt, ...rest } = link;
  return {
    ...linkKey(link.id),
    entity: 'portal-link',
    gsi3pk: linksOf(link.projectId),
    gsi3sk: `${link.createdAt}#${link.id}`,
    ...rest,
    validUntil: expiresAt,
    secretHash,
    expiresAt: epochSeconds(expiresAt) + LINK_KEPT_SECONDS,
  };
}

function asStoredLink(item: Record<string, unknown>): StoredLink {
  return {
    id: String(item.id),
    projectId: String(item.projectId),
    contactId: String(item.contactId),
    contactName: String(item.contactName),
    createdBy: String(item.createdBy),
    createdAt: String(item.createdAt),
    expiresAt: String(item.validUntil),
    ...(item.revokedAt ? { revokedAt: String(item.revokedAt) } : {}),
    ...(item.revokedBy ? { revokedBy: String(item.revokedBy) } : {}),
    version: Number(item.version),
    secretHash: String(item.secretHash),
  };
}

/** A link as the API shows it: never its hash. */
export function publicLink({ secretHash: _hash, ...link }: StoredLink): PortalLink {
  return link;
}

function asSession(item: Record<string, unknown>): PortalSession {
  return {
    id: String(item.id),
    linkId: String(item.linkId),
    projectId: String(item.projectId),
    contactId: String(item.contactId),
    contactName: String(item.contactName),
    secretHash: String(item.secretHash),
    createdAt: String(item.createdAt),
    validUntil: String(item.validUntil),
    ...(item.viewedAt ? { viewedAt: String(item.viewedAt) } : {}),
  };
}

const asLogEntry = entityOf<ProjectLogEntry>(LogEntrySchema);
const asSharedFile = entityOf<SharedFile>(SharedFile);

export const portalPatterns = patterns({
  portalLinkById: get({
    entity: 'portal link',
    pattern: 'a portal link by id',
    usedBy: '`DELETE /projects/{id}/portal-links/{linkId}`',
    functions: ['DeliveryApi'],
    keyCondition: '`pk = PORTAL-LINK#<id>, sk = PORTAL-LINK`',
    roundTrips: '1 GetItem',
    key: linkKey,
  }),
  portalAccess: batchGet({
    entity: 'portal link, portal session, wrong-token count',
    pattern:
      "what a portal request is checked against: the link its token names, the session (with a session token), and its source's count of wrong tokens this quarter hour",
    usedBy: '`POST /portal/sessions` and every `/portal/*` route with a session',
    functions: ['PortalApi'],
    keyCondition:
      'BatchGet `PORTAL-LINK#<linkId>` / `PORTAL-LINK`, `PORTAL-SESSION#<sessionId>` / `PORTAL-SESSION`, `PORTAL-FAILURES#<source>` / `<window start>`',
    roundTrips: '1 BatchGetItem',
    keys: (linkId: string, sessionId: string | undefined, source: string, now: string) => [
      linkKey(linkId),
      ...(sessionId ? [sessionKey(sessionId)] : []),
      failuresKey(source, failureWindow(now).start),
    ],
  }),
  failuresOfSource: get({
    entity: 'wrong-token count',
    pattern:
      "a source's count of wrong portal tokens this quarter hour (a token too malformed to name a link)",
    usedBy: '`POST /portal/sessions`, `/portal/*` with a malformed token',
    functions: ['PortalApi'],
    keyCondition: '`pk = PORTAL-FAILURES#<source>, sk = <window start>`',
    roundTrips: '1 GetItem',
    key: (source: string, now: string) => failuresKey(source, failureWindow(now).start),
  }),
  projectPortalLinks: query({
    entity: 'portal link',
    pattern: "a project's portal links, newest first",
    usedBy: '`GET /projects/{id}/portal-links`',
    functions: ['DeliveryApi'],
    index: 'gsi3',
    keyCondition: '`gsi3pk = PORTAL-LINKS#<projectId>`, descending',
    roundTrips: '1 Query',
    query: (projectId: string) => ({ index: 'gsi3', partition: linksOf(projectId) }),
  }),
  portalLinkWritten: write({
    entity: 'portal link',
    pattern: 'a portal link made (its secret hashed), or revoked at its version',
    usedBy: '`POST /projects/{id}/portal-links`, `DELETE /projects/{id}/portal-links/{linkId}`',
    functions: ['DeliveryApi'],
    keyCondition: 'Put `PORTAL-LINK#<id>` / `PORTAL-LINK` if absent, or at the version read',
    roundTrips: "none of its own (the command's transaction)",
    actions: ['PutItem'],
  }),
  portalSessionStarted: write({
    entity: 'portal session',
    pattern: 'a portal session, for a link token that matched (its secret hashed; TTL)',
    usedBy: '`POST /portal/sessions`',
    functions: ['PortalApi'],
    keyCondition: 'Put `PORTAL-SESSION#<id>` / `PORTAL-SESSION` if absent',
    roundTrips: '1 transaction',
    actions: ['PutItem'],
  }),
  portalSessionViewed: write({
    entity: 'portal session',
    pattern: "a session's first view of the project, once (PortalViewed)",
    usedBy: '`GET /portal/project`',
    functions: ['PortalApi'],
    keyCondition: 'UpdateItem `PORTAL-SESSION#<id>` / `PORTAL-SESSION`: `SET viewedAt` if not set',
    roundTrips: '1 transaction, on the first view of a session',
    actions: ['UpdateItem'],
  }),
  portalFailureCounted: write({
    entity: 'wrong-token count',
    pattern: 'a wrong portal token counted against its source (TTL: gone after its window)',
    usedBy: '`POST /portal/sessions`, `/portal/*` with a wrong token',
    functions: ['PortalApi'],
    keyCondition: 'UpdateItem `PORTAL-FAILURES#<source>` / `<window start>`: `ADD failures 1`',
    roundTrips: '1 UpdateItem',
    actions: ['UpdateItem'],
  }),
  projectLog: query({
    entity: 'project timeline entry',
    pattern:
      "a project's portal timeline (links shared and revoked, views, the customer's decisions and comments), newest first",
    usedBy:
      '`GET /projects/{id}/timeline`, `GET /deals/{id}/delivery` (the newest), `GET /portal/project` (comments)',
    functions: ['DeliveryApi', 'PortalApi'],
    index: 'table',
    keyCondition: '`pk = PROJECT#<id> AND begins_with(sk, LOG#)`, descending',
    roundTrips: '1 Query',
    query: (projectId: string) => ({ partition: projectPartition(projectId), sort: { beginsWith: 'LOG#' } }),
  }),
  projectLogged: write({
    entity: 'project timeline entry',
    pattern: "an entry on a project's portal timeline",
    usedBy:
      'portal links made and revoked, the portal viewed, approvals decided and milestones commented on in it',
    functions: ['DeliveryApi', 'PortalApi'],
    keyCondition: 'Put `PROJECT#<projectId>` / `LOG#<at>#<id>` if absent',
    roundTrips: "none of its own (the command's transaction)",
    actions: ['PutItem'],
  }),
  projectSharedFiles: query({
    entity: 'shared file',
    pattern: 'the files a project shares with its customer',
    usedBy: '`GET /projects/{id}/portal-files`, `GET /portal/project`, `GET /portal/files/{attachmentId}`',
    functions: ['DeliveryApi', 'PortalApi'],
    index: 'table',
    keyCondition: '`pk = PROJECT#<id> AND begins_with(sk, FILE#)`',
    roundTrips: '1 Query',
    query: (projectId: string) => ({ partition: projectPartition(projectId), sort: { beginsWith: 'FILE#' } }),
  }),
  projectFileShared: write({
    entity: 'shared file',
    pattern: 'a file shared with the customer, or no longer',
    usedBy: '`PUT` and `DELETE /projects/{id}/portal-files/{attachmentId}`',
    functions: ['DeliveryApi'],
    keyCondition: 'Put (or Delete) `PROJECT#<projectId>` / `FILE#<attachmentId>`',
    roundTrips: '1 transaction',
    actions: ['PutItem', 'DeleteItem'],
  }),
});

/** What a portal request's token is checked against, read in one round trip. */
export interface PortalAccess {
  link: StoredLink | undefined;
  session: PortalSession | undefined;
  /** Wrong tokens from the request's source in the current window. */
  failures: number;
}

/** A session had been viewed already: its PortalViewed was sent. */
class AlreadyViewed extends Error {}

export class PortalRepository {
  constructor(private readonly store: Store) {}

  async link(id: string): Promise<StoredLink | undefined> {
    const item = await this.store.get(portalPatterns.portalLinkById, id);
    return item ? asStoredLink(item) : undefined;
  }

  /** A project's links, newest first (a handful: every link is made by hand). */
  async links(projectId: string): Promise<StoredLink[]> {
    const items = await this.store.queryAll({
      ...portalPatterns.projectPortalLinks.query(projectId),
      newestFirst: true,
    });
    return items.map(asStoredLink);
  }

  createLink(uow: UnitOfWork, link: PortalLink, secretHash: string): UnitOfWork {
    return uow.create(portalPatterns.portalLinkWritten, linkItem(link, secretHash));
  }

  revokeLink(uow: UnitOfWork, before: StoredLink, after: PortalLink): UnitOfWork {
    return uow.update(portalPatterns.portalLinkWritten, before, linkItem(after, before.secretHash));
  }

  async access(
    linkId: string,
    sessionId: string | undefined,
    source: string,
    now: string,
  ): Promise<PortalAccess> {
    const [link, ...rest] = await this.store.batchGet(
      portalPatterns.portalAccess,
      linkId,
      sessionId,
      source,
      now,
    );
    const session = sessionId ? rest[0] : undefined;
    const counter = rest.at(-1);
    return {
      link: link ? asStoredLink(link) : undefined,
      session: session ? asSession(session) : undefined,
      failures: Number(counter?.failures ?? 0),
    };
  }

  async failures(source: string, now: string): Promise<number> {
    const item = await this.store.get(portalPatterns.failuresOfSource, source, now);
    return Number(item?.failures ?? 0);
  }

  /** Counts one wrong token against its source, in the current window (kept a window past its end). */
  async countFailure(source: string, now: string): Promise<void> {
    const window = failureWindow(now);
    await this.store.transact([
      {
        pattern: portalPatterns.portalFailureCounted,
        update: {
          key: failuresKey(source, window.start),
          expression: 'ADD failures :one SET entity = :entity, expiresAt = :ttl',
          values: {
            ':one': 1,
            ':entity': 'portal-failures',
            ':ttl': epochSeconds(window.end) + FAILURE_WINDOW_SECONDS,
          },
        },
      },
    ]);
  }

  async startSession(session: PortalSession): Promise<void> {
    await this.store.transact([
      {
        pattern: portalPatterns.portalSessionStarted,
        put: {
          ...sessionKey(session.id),
          entity: 'portal-session',
          ...session,
          // TTL removes it a while after it ends; every read checks validUntil itself
          expiresAt: epochSeconds(session.validUntil) + PORTAL_SESSION_SECONDS,
        },
        condition: notExists,
        onConditionFailed: () => new ConcurrentModification(`portal session ${session.id}`),
      },
    ]);
  }

  /**
   * The session's first view of the project, with its event and timeline entry, once: false when
   * the session had been viewed already (a second read, or a race between two).
   */
  async firstView(
    sessionId: string,
    at: string,
    events: DomainEvent[],
    entry: ProjectLogEntry,
  ): Promise<boolean> {
    const uow = new UnitOfWork()
      .add({
        pattern: portalPatterns.portalSessionViewed,
        update: {
          key: sessionKey(sessionId),
          expression: 'SET viewedAt = :at',
          values: { ':at': at },
        },
        condition: { expression: 'attribute_exists(pk) AND attribute_not_exists(viewedAt)' },
        onConditionFailed: () => new AlreadyViewed(),
      })
      .events(events);
    this.log(uow, entry);
    try {
      await uow.commit(this.store);
      return true;
    } catch (error) {
      if (error instanceof AlreadyViewed || error instanceof ConcurrentModification) return false;
      throw error;
    }
  }

  log(uow: UnitOfWork, entry: ProjectLogEntry): UnitOfWork {
    return uow.add({
      pattern: portalPatterns.projectLogged,
      put: { ...logKey(entry.projectId, entry.at, entry.id), entity: 'project-log', ...entry },
      condition: notExists,
    });
  }

  timeline(projectId: string, page: PageRequest): Promise<Page<ProjectLogEntry>> {
    return pageOf(
      this.store,
      { ...portalPatterns.projectLog.query(projectId), ...page, newestFirst: true },
      asLogEntry,
    );
  }

  /** The newest entries (for a page that shows the latest, or the comments of the portal's milestones). */
  async latest(projectId: string, limit: number): Promise<ProjectLogEntry[]> {
    const { items } = await this.store.query({
      ...portalPatterns.projectLog.query(projectId),
      limit,
      newestFirst: true,
    });
    return items.map(asLogEntry);
  }

  async files(projectId: string): Promise<SharedFile[]> {
    const items = await this.store.queryAll(portalPatterns.projectSharedFiles.query(projectId));
    return items.map(asSharedFile).sort((a, b) => b.sharedAt.localeCompare(a.sharedAt));
  }

  share(uow: UnitOfWork, file: SharedFile): UnitOfWork {
    return uow.add({
      pattern: portalPatterns.projectFileShared,
      put: { ...fileKey(file.projectId, file.attachmentId), entity: 'shared-file', ...file },
    });
  }

  unshare(uow: UnitOfWork, projectId: string, attachmentId: string): UnitOfWork {
    return uow.add({ pattern: portalPatterns.projectFileShared, delete: fileKey(projectId, attachmentId) });
  }
}

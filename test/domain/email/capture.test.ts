import { describe, expect, it } from 'vitest';
import type { Contact } from '../../../domain/crm/contact.js';
import type { Deal } from '../../../domain/crm/deal.js';
import { dealOfAddress } from '../../../domain/email/addresses.js';
import { bodyOf, captureEmail, placeOnTimelines, threadOf } from '../../../domain/email/capture.js';
import { LIMITS } from '../../../domain/email/message.js';
import { type ParsedMessage, type Receipt, screen } from '../../../domain/email/screening.js';
import { system } from '../../../domain/shared/context.js';
import { context } from '../support.js';

// Who sent it counts; where an email lands; threads; what is kept. Pure: no table, no clock.

const DOMAIN = 'crm.example.com';
const team = [
  { userId: 'u-alice', email: 'Alice@Example.com' },
  { userId: 'u-bob', email: 'bob@example.com' },
];
const message = (extra: Partial<ParsedMessage> = {}): ParsedMessage => ({
  messageId: 'm1@example.com',
  references: [],
  subject: 'Proposal',
  from: { address: 'alice@example.com' },
  to: [{ address: 'grace@acme.test', name: 'Grace' }],
  cc: [],
  text: 'Hello',
  attachments: [],
  dkimDomains: ['example.com'],
  ...extra,
});
const receipt = (verdicts: Partial<Receipt['verdicts']> = {}, recipients = [`log@${DOMAIN}`]): Receipt => ({
  sesMessageId: 'ses1',
  receivedAt: '2030-01-01T10:00:00.000Z',
  recipients,
  verdicts: { spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'GRAY', ...verdicts },
});
const contact = (id: string, email: string, companyId?: string) =>
  ({ id, emails: [email], ...(companyId ? { companyId } : {}) }) as Contact;
const deal = (id: string, contactId?: string, companyId?: string) =>
  ({
    id,
    ownerId: 'u-alice',
    ...(contactId ? { contactId } : {}),
    ...(companyId ? { companyId } : {}),
  }) as Deal;

describe('who sent it counts', () => {
  it('a user whose own domain signed it (DKIM) or who passed DMARC; the customers are the others', () => {
    expect(screen(message(), receipt(), DOMAIN, team)).toEqual({
      accepted: true,
      sentBy: 'u-alice',
      customers: [{ address: 'grace@acme.test', name: 'Grace' }],
    });
    expect(screen(message({ dkimDomains: [] }), receipt({ dmarc: 'PASS' }), DOMAIN, team)).toMatchObject({
      sentBy: 'u-alice',
    });
  });

  it('a user’s address signed by someone else’s domain proves nothing: refused as unverified', () => {
    expect(screen(message({ dkimDomains: ['attacker.test'] }), receipt(), DOMAIN, team)).toMatchObject({
      accepted: false,
      reason: 'sender-unverified',
    });
  });

  it('any FAIL verdict refuses, the worst named first', () => {
    expect(screen(message(), receipt({ virus: 'FAIL', spam: 'FAIL' }), DOMAIN, team)).toMatchObject({
      reason: 'virus',
    });
    expect(screen(message(), receipt({ dkim: 'FAIL' }), DOMAIN, team)).toMatchObject({ reason: 'dkim' });
    expect(screen(message(), receipt({ spf: 'FAIL' }), DOMAIN, team)).toMatchObject({ reason: 'spf' });
  });

  it('a stranger is logged only through a per-deal address; users and our own addresses are never customers', () => {
    const stranger = message({ from: { address: 'grace@acme.test' }, to: [{ address: `log@${DOMAIN}` }] });
    expect(screen(stranger, receipt(), DOMAIN, team)).toMatchObject({ reason: 'sender-not-a-user' });
    const toDeal = message({
      from: { address: 'grace@acme.test' },
      to: [{ address: 'bob@example.com' }],
      cc: [{ address: `deal-deal_01ABC@${DOMAIN}` }],
    });
    expect(screen(toDeal, receipt({}, [`deal-deal_01abc@${DOMAIN}`]), DOMAIN, team)).toEqual({
      accepted: true,
      dealAddress: 'deal_01ABC',
      customers: [{ address: 'grace@acme.test' }],
    });
    expect(screen(message({ from: undefined }), receipt(), DOMAIN, team)).toMatchObject({
      reason: 'malformed',
    });
  });

  it('a per-deal address is read case-insensitively; anything else is not one', () => {
    expect(dealOfAddress(`Deal-Deal_01abcXYZ@${DOMAIN.toUpperCase()}`, DOMAIN)).toBe('deal_01ABCXYZ');
    expect(dealOfAddress(`deal-co_01ABC@${DOMAIN}`, DOMAIN)).toBeUndefined();
    expect(dealOfAddress('deal-deal_01ABC@elsewhere.test', DOMAIN)).toBeUndefined();
    expect(dealOfAddress(`log@${DOMAIN}`, DOMAIN)).toBeUndefined();
  });
});

describe('where an email lands', () => {
  it('each record once, in as few activities as possible: a deal shares the slot of its own contact', () => {
    const grace = contact('ct_g', 'g@a.test', 'co_a');
    const hank = contact('ct_h', 'h@a.test', 'co_a');
    const ada = contact('ct_x', 'x@e.test', 'co_e');
    const slots = placeOnTimelines(
      [grace, hank, ada],
      [deal('deal_2', 'ct_h', 'co_a'), deal('deal_3', 'ct_q', 'co_z')],
    );
    expect(slots).toEqual([
      { contactId: 'ct_g', companyId: 'co_a' },
      { contactId: 'ct_h', dealId: 'deal_2' },
      { contactId: 'ct_x', companyId: 'co_e' },
      { dealId: 'deal_3', companyId: 'co_z' },
    ]);
    const records = slots.flatMap((s) => Object.values(s));
    expect(new Set(records).size).toBe(records.length);
  });

  it('one activity per slot, done, dated when written, owned by the sender; unknown people listed for review', () => {
    const ctx = context(system('email-capture'));
    const decision = captureEmail(
      {
        message: message({
          cc: [{ address: 'ada@engines.test', name: 'Ada' }],
          date: '2030-01-01T09:30:00.000Z',
        }),
        receipt: receipt(),
        screening: {
          accepted: true,
          sentBy: 'u-alice',
          customers: [{ address: 'grace@acme.test' }, { address: 'ada@engines.test', name: 'Ada' }],
        },
        contacts: new Map([['grace@acme.test', contact('ct_g', 'grace@acme.test', 'co_a')]]),
        openDeals: new Map([['ct_g', [deal('deal_1', 'ct_g', 'co_a')]]]),
        ignored: new Set(),
      },
      ctx,
    );
    expect(decision.activities).toEqual([
      expect.objectContaining({
        type: 'email',
        contactId: 'ct_g',
        companyId: 'co_a',
        dealId: 'deal_1',
        ownerId: 'u-alice',
        occurredAt: '2030-01-01T09:30:00.000Z',
        done: true,
      }),
    ]);
    expect(decision.head).toMatchObject({
      status: 'logged',
      direction: 'sent',
      unknownParticipants: [{ address: 'ada@engines.test' }],
    });
    expect(decision.reviews).toEqual([{ address: 'ada@engines.test', name: 'Ada' }]);
    expect(decision.events.map((e) => e.detailType)).toEqual(['ActivityLogged', 'EmailLogged']);
  });

  it('a reply joins a known thread, else the one its first reference started; the same Message-ID is the same email', () => {
    const reply = message({
      messageId: 'm2@x',
      inReplyTo: 'm1@example.com',
      references: ['m0@x', 'm1@example.com'],
    });
    expect(threadOf(reply, receipt(), 'thr_KNOWN')).toBe('thr_KNOWN');
    expect(threadOf(reply, receipt())).toBe(threadOf(message({ messageId: 'm0@x' }), receipt()));
    const ctx = context(system('email-capture'));
    const base = {
      receipt: receipt(),
      screening: { accepted: true as const, sentBy: 'u-alice', customers: [] },
      contacts: new Map(),
      openDeals: new Map(),
      ignored: new Set<string>(),
    };
    expect(captureEmail({ ...base, message: message() }, ctx).head.id).toBe(
      captureEmail({ ...base, message: message({ messageId: 'M1@EXAMPLE.COM' }) }, ctx).head.id,
    );
  });

  it('keeps bodies within the item limit, cut on a character boundary', () => {
    const long = 'é'.repeat(LIMITS.textBytes);
    const body = bodyOf(message({ text: long, html: `<p>${'ü'.repeat(LIMITS.htmlBytes)}</p>` }));
    expect(Buffer.byteLength(body.text!)).toBeLessThanOrEqual(LIMITS.textBytes);
    expect(body.text!.endsWith('é')).toBe(true);
    expect(body).toMatchObject({ textTruncated: true, htmlTruncated: true });
  });
});

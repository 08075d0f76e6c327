import { describe, expect, it } from 'vitest';
import { InvalidPattern, matches, validatePattern } from '../../../infra/local/event-pattern.js';

// The examples of AWS's documentation (EventBridge content filtering, and event-ruler's README),
// checked against the local bus's matcher.

const ec2 = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

describe('exact values and arrays', () => {
  it('matches any of the listed values, and an event array by intersection', () => {
    expect(
      matches(
        {
          'detail-type': ['EC2 Instance State-change Notification'],
          resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
          detail: { state: ['initializing', 'running'] },
        },
        ec2,
      ),
    ).toBe(true);
    expect(matches({ detail: { state: ['stopped'] } }, ec2)).toBe(false);
    expect(matches({ source: ['AWS.EC2'] }, ec2)).toBe(false);
  });

  it('null and the empty string are values, and not the same one', () => {
    const event = { detail: { eventVersion: '', responseElements: null } };
    expect(matches({ detail: { eventVersion: [''] } }, event)).toBe(true);
    expect(matches({ detail: { responseElements: [null] } }, event)).toBe(true);
    expect(matches({ detail: { responseElements: [''] } }, event)).toBe(false);
    expect(matches({ detail: { eventVersion: [null] } }, event)).toBe(false);
  });

  it('numbers and booleans match as JSON values, not strings', () => {
    expect(matches({ detail: { 'c-count': [5] } }, ec2)).toBe(true);
    expect(matches({ detail: { 'c-count': ['5'] } }, ec2)).toBe(false);
    expect(matches({ flag: [true] }, { flag: true })).toBe(true);
  });
});

describe('string operators', () => {
  it('prefix, suffix and equals-ignore-case, alone and combined', () => {
    expect(matches({ time: [{ prefix: '2017-10-02' }] }, ec2)).toBe(true);
    expect(matches({ source: [{ suffix: 'ec2' }] }, ec2)).toBe(true);
    expect(matches({ source: [{ 'equals-ignore-case': 'AWS.EC2' }] }, ec2)).toBe(true);
    expect(
      matches(
        { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
        { detail: { service: 'eventbridge' } },
      ),
    ).toBe(true);
    expect(
      matches({ FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] }, { FileName: 'IMG.PNG' }),
    ).toBe(true);
    expect(matches({ source: [{ prefix: 'aws.s3' }] }, ec2)).toBe(false);
  });

  it('wildcards, with * escaped by a backslash', () => {
    expect(matches({ source: [{ wildcard: 'Simple*Service' }] }, { source: 'SimpleQueueService' })).toBe(
      true,
    );
    expect(matches({ source: [{ wildcard: 'Simple*Service' }] }, { source: 'SimpleQueue' })).toBe(false);
    expect(
      matches(
        { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
        { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/default' },
      ),
    ).toBe(true);
    expect(matches({ name: [{ wildcard: 'a\\*b' }] }, { name: 'a*b' })).toBe(true);
    expect(matches({ name: [{ wildcard: 'a\\*b' }] }, { name: 'axb' })).toBe(false);
  });

  it('string operators never match numbers', () => {
    expect(matches({ detail: { 'c-count': [{ prefix: '5' }] } }, ec2)).toBe(false);
  });
});

describe('anything-but', () => {
  it('values, lists, numbers, prefix, suffix, ignore-case and wildcard', () => {
    expect(matches({ detail: { state: [{ 'anything-but': 'initializing' }] } }, ec2)).toBe(true);
    expect(matches({ detail: { state: [{ 'anything-but': 'running' }] } }, ec2)).toBe(false);
    expect(matches({ detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, ec2)).toBe(true);
    expect(matches({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, ec2)).toBe(true);
    expect(matches({ detail: { 'x-limit': [{ 'anything-but': [100, 200, 301.8] }] } }, ec2)).toBe(false);
    expect(matches({ detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, ec2)).toBe(true);
    expect(matches({ detail: { state: [{ 'anything-but': { prefix: 'run' } }] } }, ec2)).toBe(false);
    expect(matches({ FileName: [{ 'anything-but': { suffix: '.png' } }] }, { FileName: 'a.png' })).toBe(
      false,
    );
    expect(
      matches(
        { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
        { state: 'INITIALIZING' },
      ),
    ).toBe(false);
    expect(
      matches({ state: [{ 'anything-but': { 'equals-ignore-case': ['a', 'b'] } }] }, { state: 'C' }),
    ).toBe(true);
    expect(
      matches({ FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, { FilePath: '/usr/lib/x' }),
    ).toBe(false);
    expect(
      matches({ FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, { FilePath: '/usr/bin/x' }),
    ).toBe(true);
  });

  it('does not match a field that is absent', () => {
    expect(matches({ detail: { missing: [{ 'anything-but': 'x' }] } }, ec2)).toBe(false);
  });
});

describe('numeric, cidr, exists', () => {
  it('numeric ranges on JSON numbers only', () => {
    expect(
      matches(
        {
          detail: {
            'c-count': [{ numeric: ['>', 0, '<=', 5] }],
            'd-count': [{ numeric: ['<', 10] }],
            'x-limit': [{ numeric: ['=', 3.018e2] }],
          },
        },
        ec2,
      ),
    ).toBe(true);
    expect(matches({ detail: { 'c-count': [{ numeric: ['>', 5] }] } }, ec2)).toBe(false);
    expect(matches({ n: [{ numeric: ['>', 0] }] }, { n: '7' })).toBe(false);
  });

  it('IPv4 and IPv6 addresses in a CIDR block', () => {
    expect(matches({ detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } }, ec2)).toBe(true);
    expect(matches({ detail: { 'source-ip': [{ cidr: '10.0.1.0/24' }] } }, ec2)).toBe(false);
    expect(matches({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db8:1::5' })).toBe(true);
    expect(matches({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: '2001:db9::5' })).toBe(false);
  });

  it('exists on leaves; exists:false also holds where the field is an object', () => {
    expect(matches({ detail: { 'c-count': [{ exists: true }] } }, ec2)).toBe(true);
    expect(matches({ detail: { 'c-count': [{ exists: false }] } }, ec2)).toBe(false);
    expect(matches({ detail: { 'e-count': [{ exists: false }] } }, ec2)).toBe(true);
    expect(
      matches(
        { detail: { 'c-count': [{ exists: false }] } },
        { detail: { state: 'x', 'c-count': { c1: 100 } } },
      ),
    ).toBe(true);
    expect(
      matches({ detail: { 'c-count': [{ exists: true }] } }, { detail: { 'c-count': { c1: 100 } } }),
    ).toBe(false);
    expect(matches({ detail: { inner: { x: [{ exists: false }] } } }, { detail: {} })).toBe(true);
  });
});

describe('$or and arrays of objects', () => {
  const cw = {
    source: 'aws.cloudwatch',
    metricName: 'NetworkIn',
    namespace: 'AWS/EC2',
    detail: { 'detail-type': 'x' },
  };

  it('$or ANDed with its siblings, in parallel, and nested', () => {
    const normal = {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    };
    expect(matches(normal, cw)).toBe(true);
    expect(matches(normal, { ...cw, namespace: 'AWS/S3' })).toBe(false);
    const parallel = {
      $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
      detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['x'] }] },
    };
    expect(matches(parallel, cw)).toBe(true);
    const nested = {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization'] },
        { namespace: ['AWS/EC2'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
      ],
    };
    expect(matches(nested, { ...cw, spaceId: 1000 })).toBe(true);
    expect(matches(nested, cw)).toBe(false);
  });

  it('fields inside one array element match together, never across elements', () => {
    const event = {
      employees: [
        { firstName: 'John', lastName: 'Doe' },
        { firstName: 'Anna', lastName: 'Smith' },
        { firstName: 'Peter', lastName: 'Jones' },
      ],
    };
    expect(matches({ employees: { firstName: ['Anna'] } }, event)).toBe(true);
    expect(matches({ employees: { firstName: ['Anna'], lastName: ['Smith'] } }, event)).toBe(true);
    expect(matches({ employees: { firstName: ['Anna'], lastName: ['Jones'] } }, event)).toBe(false);
    expect(
      matches(
        { employees: { firstName: ['Peter'] } },
        { employees: [[{ firstName: 'John' }], [{ firstName: 'Peter' }]] },
      ),
    ).toBe(true);
  });
});

describe('the patterns Handoff itself uses', () => {
  it("the archive, the relay's stream filter, and a rule on one detail-type", () => {
    expect(matches({ source: [{ prefix: 'handoff.' }] }, { source: 'handoff.crm' })).toBe(true);
    const filter = { eventName: ['INSERT'], dynamodb: { Keys: { pk: { S: [{ prefix: 'OUTBOX#' }] } } } };
    expect(
      matches(filter, {
        eventName: 'INSERT',
        dynamodb: { Keys: { pk: { S: 'OUTBOX#01J' }, sk: { S: 'OUTBOX' } } },
      }),
    ).toBe(true);
    expect(matches(filter, { eventName: 'INSERT', dynamodb: { Keys: { pk: { S: 'DEAL#1' } } } })).toBe(false);
    expect(matches(filter, { eventName: 'MODIFY', dynamodb: { Keys: { pk: { S: 'OUTBOX#01J' } } } })).toBe(
      false,
    );
    expect(
      matches(
        { source: ['handoff.crm'], 'detail-type': ['DealClosedWon'], detail: { version: [1] } },
        { source: 'handoff.crm', 'detail-type': 'DealClosedWon', detail: { version: 1 } },
      ),
    ).toBe(true);
  });
});

describe('validation', () => {
  it('refuses what EventBridge refuses', () => {
    expect(() => validatePattern({ a: [{ between: [1, 2] }] })).toThrow(InvalidPattern);
    expect(() => validatePattern({ a: [{ numeric: ['>'] }] })).toThrow(InvalidPattern);
    expect(() => validatePattern({ $or: [{ a: ['x'] }] })).toThrow(InvalidPattern);
    expect(() => validatePattern({ a: [{ cidr: 'nope' }] })).toThrow(InvalidPattern);
    expect(() =>
      validatePattern({ source: ['x'], detail: { n: [{ numeric: ['>=', 1, '<', 2] }] } }),
    ).not.toThrow();
  });
});

// What EventBridge refuses, rule by rule, as event-ruler's README and its rule compiler state
// them (github.com/aws/event-ruler: JsonRuleCompiler, WildcardParser, Range).
describe('patterns EventBridge refuses, refused locally with its reason', () => {
  const refused = (pattern: unknown, reason: RegExp) =>
    expect(() => validatePattern(pattern)).toThrow(reason);
  const accepted = (pattern: unknown) => expect(() => validatePattern(pattern)).not.toThrow();

  it('empty objects and empty arrays, anywhere', () => {
    refused({}, /empty objects are not allowed/);
    refused({ detail: {} }, /detail: empty objects are not allowed/);
    refused({ source: [] }, /source: empty arrays are not allowed/);
    refused({ source: 'aws.ec2' }, /must be an object or an array/);
    refused({ source: [['aws.ec2']] }, /a match value must be a string, number, true, false or null/);
  });

  it('a matcher with no key, two keys, or an unknown one', () => {
    refused({ a: [{}] }, /match expression name not found/);
    refused({ a: [{ prefix: 'x', suffix: 'y' }] }, /only one key is allowed in a match expression/);
    refused({ a: [{ contains: 'x' }] }, /unrecognized match type contains/);
  });

  it('matcher arguments of the wrong type or shape', () => {
    refused({ a: [{ prefix: 3 }] }, /prefix match pattern must be a string/);
    refused({ a: [{ suffix: null }] }, /suffix match pattern must be a string/);
    refused({ a: [{ prefix: { 'equals-ignore-case': 'x', extra: 1 } }] }, /unsupported prefix pattern/);
    refused({ a: [{ prefix: { wildcard: 'x' } }] }, /unsupported prefix pattern: wildcard/);
    refused({ a: [{ 'equals-ignore-case': ['x'] }] }, /equals-ignore-case match pattern must be a string/);
    refused({ a: [{ exists: 'true' }] }, /exists match pattern must be either true or false/);
    refused({ a: [{ cidr: '10.0.0.0/33' }] }, /is not a CIDR block/);
    refused({ a: [{ numeric: '>' }] }, /must be a non-empty array/);
  });

  it('anything-but: mixed or empty lists, unknown operators, empty prefixes and suffixes', () => {
    refused({ a: [{ 'anything-but': ['x', 1] }] }, /either all values are numbers or all are strings/);
    refused({ a: [{ 'anything-but': [] }] }, /either all values are numbers or all are strings/);
    refused({ a: [{ 'anything-but': [true] }] }, /either all values/);
    refused({ a: [{ 'anything-but': { numeric: ['>', 1] } }] }, /unsupported anything-but pattern: numeric/);
    refused({ a: [{ 'anything-but': { prefix: '' } }] }, /an empty anything-but prefix is not allowed/);
    refused(
      { a: [{ 'anything-but': { suffix: ['ok', ''] } }] },
      /an empty anything-but suffix is not allowed/,
    );
    refused({ a: [{ 'anything-but': { wildcard: 'a**b' } }] }, /consecutive wildcard characters/);
    refused({ a: [{ 'anything-but': { prefix: 'x', suffix: 'y' } }] }, /exactly one operator/);
    accepted({
      a: [{ 'anything-but': [100, 200] }],
      b: [{ 'anything-but': { 'equals-ignore-case': ['X', 'Y'] } }],
    });
  });

  it('wildcards: no two * in a row; a backslash escapes only * or a backslash', () => {
    refused({ a: [{ wildcard: 'a**b' }] }, /consecutive wildcard characters at position 1/);
    refused({ a: [{ wildcard: 'a\\b' }] }, /invalid escape character at position 1/);
    refused({ a: [{ wildcard: 'a\\' }] }, /invalid escape character/);
    accepted({ a: [{ wildcard: 'a\\*b\\\\c*d' }] });
  });

  it('numeric: its grammar, finite numbers, and a range whose bottom is below its top', () => {
    refused({ a: [{ numeric: ['<', 5, '>', 1] }] }, /nothing may follow < in a numeric match/);
    refused({ a: [{ numeric: ['>', 5, '<', 1] }] }, /bottom \(5\) must be below its top \(1\)/);
    refused({ a: [{ numeric: ['>=', 5, '<=', 5] }] }, /bottom \(5\) must be below its top \(5\)/);
    refused({ a: [{ numeric: ['=', 5, '<', 9] }] }, /nothing may follow =/);
    refused({ a: [{ numeric: ['>', 1, '>', 2] }] }, /is not one of < <= here/);
    refused({ a: [{ numeric: ['>', '1'] }] }, /the value of > must be a number/);
    refused({ a: [{ numeric: ['>', 1, '<', 2, '<', 3] }] }, /too many terms/);
    accepted({ a: [{ numeric: ['>', 0, '<=', 5] }], b: [{ numeric: ['=', 3.018e2] }] });
  });

  it('$or: an array of 2+ objects, no operator used as a field name, at most 1,000 combinations', () => {
    refused({ $or: { a: ['x'] } }, /must be an array of at least two patterns/);
    refused({ $or: [{ a: ['x'] }, 'b'] }, /only objects are allowed in \$or/);
    refused({ $or: [{ numeric: [123] }, { prefix: ['abc'] }] }, /numeric is an operator, not a field name/);
    const ten = (name: string) => ({
      $or: Array.from({ length: 10 }, (_, i) => ({ [`${name}${i}`]: ['x'] })),
    });
    accepted({ a: ten('a'), b: ten('b'), c: ten('c') }); // 10 × 10 × 10 = 1,000
    refused(
      { a: ten('a'), b: ten('b'), c: ten('c'), d: { $or: [{ e: ['x'] }, { f: ['y'] }] } },
      /2000 combinations/,
    );
  });
});

describe('equals-ignore-case folds case per character, as EventBridge does', () => {
  // Java upper-cases 'ΰ' (U+03B0) to three characters, Υ (U+03A5) + diaeresis + acute, as
  // JavaScript does; lower-casing whole strings and comparing would miss them
  const UPSILON = '\u03B0';
  const UPSILON_UPPER = '\u03A5\u0308\u0301';
  const IOTA = '\u0390';
  const IOTA_UPPER = '\u0399\u0308\u0301';

  it('a character whose other case is longer matches that longer form (Greek with dialytika and tonos, Turkish dotted I)', () => {
    expect(matches({ a: [{ 'equals-ignore-case': UPSILON }] }, { a: UPSILON_UPPER })).toBe(true);
    expect(matches({ a: [{ 'equals-ignore-case': UPSILON }] }, { a: UPSILON })).toBe(true);
    expect(
      matches({ a: [{ prefix: { 'equals-ignore-case': `${IOTA}x` } }] }, { a: `${IOTA_UPPER}Xyz` }),
    ).toBe(true);
    // 'İ' (U+0130) lower-cases to i + combining dot above
    expect(matches({ a: [{ suffix: { 'equals-ignore-case': '\u0130' } }] }, { a: 'xi\u0307' })).toBe(true);
    expect(
      matches({ a: [{ 'anything-but': { 'equals-ignore-case': UPSILON } }] }, { a: UPSILON_UPPER }),
    ).toBe(false);
  });

  it('only per character of the rule: its own lower or upper form, nothing else', () => {
    // the rule's 'ß' matches its upper case 'SS' (Java and JavaScript agree), not the other way round
    expect(matches({ a: [{ 'equals-ignore-case': 'straße' }] }, { a: 'STRASSE' })).toBe(true);
    expect(matches({ a: [{ 'equals-ignore-case': 'STRASSE' }] }, { a: 'straße' })).toBe(false);
    // the decomposed upper form in the rule does not match the single precomposed character
    expect(matches({ a: [{ 'equals-ignore-case': UPSILON_UPPER }] }, { a: UPSILON })).toBe(false);
    expect(matches({ a: [{ 'equals-ignore-case': 'a.c' }] }, { a: 'ABC' })).toBe(false);
  });
});

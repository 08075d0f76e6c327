import { describe, expect, it } from 'vitest';
import {
  AWS_POLICY,
  allowedAddresses,
  forbiddenKind,
  urlShapeProblem,
} from '../../../domain/webhooks/url.js';

// Where a webhook may be sent: https:// to public addresses only (loopback too, and http://,
// on the local runtime); every answer a name resolves to must be public.

const LOCAL = { allowLoopback: true };

describe('a webhook URL', () => {
  it('is an absolute https:// URL without credentials or fragment', () => {
    expect(urlShapeProblem('https://hooks.example.com/a?b=1', AWS_POLICY)).toBeUndefined();
    expect(urlShapeProblem('hooks.example.com', AWS_POLICY)).toMatch(/absolute URL/);
    expect(urlShapeProblem('http://hooks.example.com/', AWS_POLICY)).toBe('must be an https:// URL');
    expect(urlShapeProblem('https://a:b@hooks.example.com/', AWS_POLICY)).toMatch(/user name or password/);
    expect(urlShapeProblem('https://hooks.example.com/#x', AWS_POLICY)).toBe('must not have a #fragment');
    expect(urlShapeProblem(`https://hooks.example.com/${'a'.repeat(2100)}`, AWS_POLICY)).toMatch(/2,048/);
  });

  it('names no address but a public one', () => {
    for (const address of ['8.8.8.8', '93.184.215.14', '2606:4700:4700::1111'])
      expect(forbiddenKind(address, AWS_POLICY)).toBeUndefined();
    expect(forbiddenKind('127.0.0.1', AWS_POLICY)).toBe('a loopback address (this machine)');
    expect(forbiddenKind('::1', AWS_POLICY)).toBe('a loopback address (this machine)');
    expect(forbiddenKind('172.16.9.9', AWS_POLICY)).toBe('a private network address');
    expect(forbiddenKind('fd00::1', AWS_POLICY)).toBe('a private network address');
    expect(forbiddenKind('169.254.169.254', AWS_POLICY)).toMatch(/link-local/);
    expect(forbiddenKind('fe80::1', AWS_POLICY)).toMatch(/link-local/);
    expect(forbiddenKind('::ffff:169.254.169.254', AWS_POLICY)).toMatch(/link-local/);
    expect(forbiddenKind('224.0.0.1', AWS_POLICY)).toBe('a multicast address');
    expect(forbiddenKind('198.18.0.1', AWS_POLICY)).toBe('a reserved or special-purpose address');
    expect(forbiddenKind('2001:db8::1', AWS_POLICY)).toBe('a reserved or special-purpose address');
  });

  it('on the local runtime, may be http:// to a loopback address, and nothing else private', () => {
    expect(urlShapeProblem('http://127.0.0.1:9999/hooks', LOCAL)).toBeUndefined();
    expect(urlShapeProblem('http://[::1]:9999/hooks', LOCAL)).toBeUndefined();
    expect(urlShapeProblem('http://10.0.0.1/hooks', LOCAL)).toBe(
      '10.0.0.1 is a private network address: only public addresses are sent to',
    );
    expect(urlShapeProblem('ftp://127.0.0.1/hooks', LOCAL)).toBe('must be an http:// or https:// URL');
  });

  it('is refused when any address its host resolves to is not public', () => {
    const v4 = (address: string) => ({ address, family: 4 });
    expect(allowedAddresses('ok.example', [v4('93.184.215.14')], AWS_POLICY)).toEqual({
      allowed: [v4('93.184.215.14')],
    });
    expect(allowedAddresses('mixed.example', [v4('93.184.215.14'), v4('10.0.0.7')], AWS_POLICY)).toEqual({
      allowed: [],
      problem:
        'its host mixed.example resolves to 10.0.0.7, a private network address: only public addresses are sent to',
    });
    expect(allowedAddresses('none.example', [], AWS_POLICY).problem).toBe(
      'its host none.example does not resolve',
    );
  });
});

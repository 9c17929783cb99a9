import { Secret } from '@sspr/contracts';
import { cloudPasswordViolations, PASSWORD_RULE_TEXT } from './password-rules';

const alice = { userPrincipalName: 'alice.adams@example.test', displayName: 'Alice Adams', tenantName: 'Contoso' };

describe('cloud password rules', () => {
  it.each([['Abcdefg1'], ['Xy9' + 'k'.repeat(253)], ['密码密码Ab12'], ['Tr0mb0ne-Vigil']])('accepts %p', (password) => {
    expect(cloudPasswordViolations(new Secret(password), alice)).toEqual([]);
  });

  it.each([[''], ['Abcdef1'], ['x'.repeat(257)]])('refuses %p by its length, without quoting it', (password) => {
    expect(cloudPasswordViolations(new Secret(password))).toEqual([PASSWORD_RULE_TEXT.length]);
  });

  it('counts characters, not UTF-16 units (an emoji is one character)', () => {
    expect(cloudPasswordViolations(new Secret('😀😀😀😀'))).toEqual([PASSWORD_RULE_TEXT.length]);
  });

  it.each([['abcdefghij'], ['ABCDEFGH12'], ['密码密码密码密码']])(
    'refuses %p: fewer than three character classes',
    (password) => {
      expect(cloudPasswordViolations(new Secret(password))).toContain(PASSWORD_RULE_TEXT.classes);
    },
  );

  it.each([['P@ssw0rd-2026'], ['Welcome12!'], ['AliceAdams1!'], ['Contoso#26']])(
    'refuses %p as too easy to guess (a banned term is one point, each other character one; five needed)',
    (password) => {
      expect(cloudPasswordViolations(new Secret(password), alice)).toEqual([PASSWORD_RULE_TEXT.banned]);
    },
  );

  it('applies the tenant’s custom list', () => {
    const password = new Secret('Fabrikam-9!');
    expect(cloudPasswordViolations(password, alice)).toEqual([]);
    expect(cloudPasswordViolations(password, { ...alice, customBannedTerms: ['fabrikam'] })).toEqual([
      PASSWORD_RULE_TEXT.banned,
    ]);
  });
});

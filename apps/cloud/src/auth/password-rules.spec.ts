import { Secret } from '@sspr/contracts';
import { cloudPasswordViolations } from './password-rules';

describe('cloud password rules', () => {
  it.each([['Abcdefg1'], ['x'.repeat(256)], ['密码密码密码密码']])('accepts %p', (password) => {
    expect(cloudPasswordViolations(new Secret(password))).toEqual([]);
  });

  it.each([[''], ['Abcdef1'], ['x'.repeat(257)]])('refuses %p by its length, without quoting it', (password) => {
    const violations = cloudPasswordViolations(new Secret(password));

    expect(violations).toEqual(['The password must be 8 to 256 characters long.']);
  });

  it('counts characters, not UTF-16 units (an emoji is one character)', () => {
    expect(cloudPasswordViolations(new Secret('😀😀😀😀'))).toHaveLength(1);
  });
});

import { generateTemporaryPassword, TEMPORARY_PASSWORD_LENGTH } from './temporary-password';

describe('generateTemporaryPassword', () => {
  const samples = Array.from({ length: 200 }, () => generateTemporaryPassword().reveal());

  it('is 16 characters with a lower case letter, an upper case letter, a digit and a symbol', () => {
    for (const p of samples) {
      expect(p).toHaveLength(TEMPORARY_PASSWORD_LENGTH);
      expect(p).toMatch(/[a-z]/);
      expect(p).toMatch(/[A-Z]/);
      expect(p).toMatch(/[0-9]/);
      expect(p).toMatch(/[^A-Za-z0-9]/);
    }
  });

  it('avoids characters that look alike', () => {
    for (const p of samples) expect(p).not.toMatch(/[0O1lI]/);
  });

  it('does not repeat itself', () => {
    expect(new Set(samples).size).toBe(samples.length);
  });

  it('comes wrapped as a Secret', () => {
    expect(String(generateTemporaryPassword())).toBe('[redacted]');
  });
});

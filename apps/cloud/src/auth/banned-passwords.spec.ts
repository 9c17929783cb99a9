import {
  BANNED_PASSWORD_MIN_SCORE,
  GLOBAL_BANNED_TERMS,
  bannedTerms,
  nameTerms,
  normalizePassword,
  scorePassword,
  withinOneEdit,
} from './banned-passwords';

const global = bannedTerms(GLOBAL_BANNED_TERMS);
const passes = (password: string, terms = global) => scorePassword(password, terms).score >= BANNED_PASSWORD_MIN_SCORE;

describe('normalizePassword', () => {
  it('lower-cases and undoes the look-alike substitutions 0→o 1→l $→s @→a', () => {
    expect(normalizePassword('P@$$w0rd1')).toBe('passwordl');
    expect(normalizePassword('ÉTÉ-2026')).toBe('été-2o26');
  });
});

describe('withinOneEdit', () => {
  it.each([
    ['password', 'password', true],
    ['passwerd', 'password', true], // substitution
    ['pasword', 'password', true], // deletion
    ['passsword', 'password', true], // insertion
    ['pssward', 'password', false],
    ['passwordxx', 'password', false],
  ])('%s vs %s → %p', (a, b, expected) => {
    expect(withinOneEdit(a, b)).toBe(expected);
  });
});

describe('scorePassword', () => {
  it('counts a banned term one point and every other character one point', () => {
    expect(scorePassword('Password!', global)).toEqual({ score: 2, found: ['password'] });
    expect(scorePassword('xPasswordyz', global).score).toBe(4);
  });

  it('finds a term through the substitutions (normalization)', () => {
    expect(scorePassword('P@$$w0rd', global)).toEqual({ score: 1, found: ['password'] });
  });

  it('finds a term one edit away (fuzzy), inside a longer password (substring)', () => {
    expect(scorePassword('Pasword', global).found).toEqual(['password']);
    expect(scorePassword('zzPassw0rrdzz', global).found).toEqual(['password']);
    expect(scorePassword('Wellcome', global).found).toEqual(['welcome']);
  });

  it('needs five points: a banned term plus three characters fails, plus four passes', () => {
    expect(passes('Password12!')).toBe(false); // password, 1, 2, ! = 4 points
    expect(passes('Password12!x')).toBe(true);
  });

  it('passes a password with nothing banned in it', () => {
    expect(scorePassword('Tr0mb0ne-Vigil', global).found).toEqual([]);
    expect(passes('Tr0mb0ne-Vigil')).toBe(true);
  });

  it('bans the user’s names and the tenant’s name, as substrings', () => {
    const terms = bannedTerms(global, nameTerms('Alice Adams', 'alice.adams@example.test', 'Contoso Ltd'));
    expect(scorePassword('Contoso2026!', terms).found).toEqual(['contoso', '2o26']);
    expect(passes('Contoso2026!', terms)).toBe(false);
    expect(passes('AliceAdams!', terms)).toBe(false);
    // Short name parts are not matched: "ltd" would not ban anything on its own.
    expect(scorePassword('ltd-ltd-ltd', terms).found).toEqual([]);
  });

  it('bans a tenant’s custom terms like the global ones', () => {
    const terms = bannedTerms(global, ['Fabrikam', 'rocket']);
    expect(passes('Fabrikam99!')).toBe(true);
    expect(passes('Fabrikam99!', terms)).toBe(false);
    expect(scorePassword('R0cket-Fabr1kam', terms).found).toEqual(['rocket', 'fabrikam']);
  });

  it('matches four-letter terms only exactly', () => {
    expect(scorePassword('BestRest-Ocean', global).found).toEqual([]);
    expect(scorePassword('TestRest-Ocean', global).found).toEqual(['test']);
  });

  it('ignores terms shorter than four characters and counts each term once', () => {
    expect(bannedTerms(['ab', 'Qwerty', 'QWERTY', 'qwerty '])).toEqual(['qwerty']);
  });
});

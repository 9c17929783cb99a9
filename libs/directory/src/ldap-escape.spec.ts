import { escapeDnValue, escapeFilterValue } from './ldap-escape';

describe('escapeFilterValue', () => {
  it.each([
    ['plain', 'plain'],
    ['*', '\\2a'],
    ['a(b)c', 'a\\28b\\29c'],
    ['back\\slash', 'back\\5cslash'],
    ['nul\0', 'nul\\00'],
    ['*)(uid=*', '\\2a\\29\\28uid=\\2a'],
  ])('escapes %j as %j (RFC 4515)', (value, escaped) => {
    expect(escapeFilterValue(value)).toBe(escaped);
  });
});

describe('escapeDnValue', () => {
  it.each([
    ['Jane Smith', 'Jane Smith'],
    ['Smith, Jane', 'Smith\\, Jane'],
    ['a+b', 'a\\+b'],
    ['"quoted"', '\\"quoted\\"'],
    ['semi;colon', 'semi\\;colon'],
    ['<angle>', '\\<angle\\>'],
    ['back\\slash', 'back\\\\slash'],
    ['#hash#', '\\#hash#'],
    [' padded ', '\\ padded\\ '],
    [' ', '\\ '],
    ['nul\0', 'nul\\00'],
    ['O=Brien (Ops)*', 'O=Brien (Ops)*'],
    ['Jürgen', 'Jürgen'],
  ])('escapes %j as %j (RFC 4514)', (value, escaped) => {
    expect(escapeDnValue(value)).toBe(escaped);
  });
});

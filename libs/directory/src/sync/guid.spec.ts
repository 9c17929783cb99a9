import { objectGuidToBytes, objectGuidToString } from './guid';

// Known vectors: .NET's documented Guid.ToByteArray() layout, and the schemaIDGUID of AD's `user` class as it
// appears in LDAP filters (\BA\7A\96\BF\E6\0D\D0\11\A2\85\00\AA\00\30\49\E2).
const VECTORS: [string, string][] = [
  ['33221100554477668899aabbccddeeff', '00112233-4455-6677-8899-aabbccddeeff'],
  ['ba7a96bfe60dd011a28500aa003049e2', 'bf967aba-0de6-11d0-a285-00aa003049e2'],
];

describe('objectGuidToString', () => {
  it.each(VECTORS)('turns the bytes %s into %s', (hex, guid) => {
    expect(objectGuidToString(Buffer.from(hex, 'hex'))).toBe(guid);
  });

  it('refuses a value that is not 16 bytes', () => {
    expect(() => objectGuidToString(Buffer.alloc(15))).toThrow(RangeError);
  });
});

describe('objectGuidToBytes', () => {
  it.each(VECTORS)('turns %s back from %s', (hex, guid) => {
    expect(objectGuidToBytes(guid).toString('hex')).toBe(hex);
  });

  it('accepts upper case and braces', () => {
    expect(objectGuidToBytes('{BF967ABA-0DE6-11D0-A285-00AA003049E2}').toString('hex')).toBe(
      'ba7a96bfe60dd011a28500aa003049e2',
    );
  });

  it('refuses a string that is not a GUID', () => {
    expect(() => objectGuidToBytes('bf967aba0de611d0a28500aa003049e2')).toThrow(RangeError);
  });

  it('round-trips random bytes', () => {
    const bytes = Buffer.from('0f1e2d3c4b5a69788796a5b4c3d2e1f0', 'hex');
    expect(objectGuidToBytes(objectGuidToString(bytes))).toEqual(bytes);
  });
});

import { isObjectGuidString, objectGuidFromString, objectGuidToString } from './object-guid';

// .NET: new Guid("00112233-4455-6677-8899-aabbccddeeff").ToByteArray() gives these bytes.
const WIRE = Buffer.from('33221100554477668899aabbccddeeff', 'hex');
const TEXT = '00112233-4455-6677-8899-aabbccddeeff';

describe('objectGuidToString', () => {
  it('prints the first three groups little-endian, the last two in wire order', () => {
    expect(objectGuidToString(WIRE)).toBe(TEXT);
  });

  it('prints lower case', () => {
    expect(objectGuidToString(Buffer.from('ffffffffffffffffffffffffffffffff', 'hex'))).toBe(
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
    );
  });

  it('refuses anything but 16 bytes', () => {
    expect(() => objectGuidToString(Buffer.alloc(15))).toThrow(RangeError);
  });
});

describe('objectGuidFromString', () => {
  it('gives the wire bytes back', () => {
    expect(objectGuidFromString(TEXT)).toEqual(WIRE);
  });

  it('accepts upper case', () => {
    expect(objectGuidFromString(TEXT.toUpperCase())).toEqual(WIRE);
  });

  it('round-trips any 16 bytes', () => {
    const bytes = Buffer.from('0f1e2d3c4b5a69788796a5b4c3d2e1f0', 'hex');

    expect(objectGuidFromString(objectGuidToString(bytes))).toEqual(bytes);
  });

  it.each([
    '',
    '00112233445566778899aabbccddeeff',
    '{00112233-4455-6677-8899-aabbccddeeff}',
    'g0112233-4455-6677-8899-aabbccddeeff',
  ])('refuses %j', (value) => {
    expect(() => objectGuidFromString(value)).toThrow(RangeError);
    expect(isObjectGuidString(value)).toBe(false);
  });
});

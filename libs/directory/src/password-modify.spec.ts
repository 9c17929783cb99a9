import { encodePasswordModifyRequest } from './password-modify';

const bytes = (hex: string): Buffer => Buffer.from(hex.replace(/\s+/g, ''), 'hex');
const text = (s: string): string => Buffer.from(s, 'utf8').toString('hex');

describe('encodePasswordModifyRequest', () => {
  it('encodes the user identity as [0] and the new password as [2] in a short-form sequence', () => {
    const encoded = encodePasswordModifyRequest('uid=a,dc=x', Buffer.from('Secret-1'));

    expect(encoded).toEqual(bytes(`30 16  80 0a ${text('uid=a,dc=x')}  82 08 ${text('Secret-1')}`));
  });

  it('places the old password as [1] between the identity and the new password', () => {
    const encoded = encodePasswordModifyRequest('uid=a,dc=x', Buffer.from('Secret-1'), Buffer.from('Old-1'));

    expect(encoded).toEqual(
      bytes(`30 1d  80 0a ${text('uid=a,dc=x')}  81 05 ${text('Old-1')}  82 08 ${text('Secret-1')}`),
    );
  });

  it('uses one-byte long-form lengths between 128 and 255 bytes', () => {
    const password = Buffer.alloc(200, 'a');

    const encoded = encodePasswordModifyRequest('u', password);

    expect(encoded).toEqual(Buffer.concat([bytes('30 81 ce  80 01 75  82 81 c8'), password]));
  });

  it('uses two-byte long-form lengths from 256 bytes', () => {
    const password = Buffer.alloc(300, 'b');

    const encoded = encodePasswordModifyRequest('u', password);

    expect(encoded).toEqual(Buffer.concat([bytes('30 82 01 33  80 01 75  82 82 01 2c'), password]));
  });

  it('counts and keeps UTF-8 bytes, not characters, for non-ASCII identities and passwords', () => {
    const password = Buffer.from('Pässwörd€', 'utf8'); // 9 characters, 13 bytes

    const encoded = encodePasswordModifyRequest('cn=Jürgen', password);

    expect(encoded).toEqual(bytes(`30 1b  80 0a ${text('cn=Jürgen')}  82 0d ${password.toString('hex')}`));
  });
});

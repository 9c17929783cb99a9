import { BerWriter } from 'ldapts';

/** RFC 3062 LDAP Password Modify extended operation. */
export const PASSWORD_MODIFY_OID = '1.3.6.1.4.1.4203.1.11.1';

const USER_IDENTITY = 0x80; // [0] IMPLICIT OCTET STRING
const OLD_PASSWORD = 0x81; // [1]
const NEW_PASSWORD = 0x82; // [2]

/**
 * BER value of a Password Modify request:
 * `SEQUENCE { userIdentity [0] OPTIONAL, oldPasswd [1] OPTIONAL, newPasswd [2] OPTIONAL }`.
 *
 * ldapts has no helper for this operation but exports the BerWriter it encodes its own messages with, which
 * writes long-form lengths; the passwords stay Buffers so non-ASCII bytes go out exactly as given.
 */
export function encodePasswordModifyRequest(userIdentity: string, newPassword: Buffer, oldPassword?: Buffer): Buffer {
  const writer = new BerWriter({
    size: 64 + Buffer.byteLength(userIdentity) + newPassword.length + (oldPassword?.length ?? 0),
  });
  writer.startSequence();
  writer.writeBuffer(Buffer.from(userIdentity, 'utf8'), USER_IDENTITY);
  if (oldPassword) writer.writeBuffer(oldPassword, OLD_PASSWORD);
  writer.writeBuffer(newPassword, NEW_PASSWORD);
  writer.endSequence();
  return writer.buffer;
}

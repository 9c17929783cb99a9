import { Ber, BerWriter, Control } from 'ldapts';

/** LDAP_SERVER_POLICY_HINTS_OID (Windows Server 2012 R2 and later). */
export const POLICY_HINTS_OID = '1.2.840.113556.1.4.2239';
/** LDAP_SERVER_POLICY_HINTS_DEPRECATED_OID (Windows Server 2008 R2 / 2012 with the hotfix). */
export const POLICY_HINTS_DEPRECATED_OID = '1.2.840.113556.1.4.2066';

/**
 * Asks an AD DC to apply the password history (and minimum age) to an admin reset of unicodePwd, as it would to a
 * user change (MS-ADTS 3.1.1.3.4.1.34). Value: PolicyHintsRequestValue ::= SEQUENCE { Flags INTEGER }, Flags 1.
 * Always critical: a DC that cannot honour it must refuse the reset rather than skip the history silently.
 */
export class PolicyHintsControl extends Control {
  constructor(oid: typeof POLICY_HINTS_OID | typeof POLICY_HINTS_DEPRECATED_OID = POLICY_HINTS_OID) {
    super(oid, { critical: true });
  }

  protected override writeControl(writer: BerWriter): void {
    const value = new BerWriter();
    value.startSequence();
    value.writeInt(1);
    value.endSequence();
    writer.writeBuffer(value.buffer, Ber.OctetString);
  }
}

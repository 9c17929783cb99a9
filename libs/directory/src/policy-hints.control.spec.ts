import { BerWriter } from 'ldapts';
import { POLICY_HINTS_DEPRECATED_OID, POLICY_HINTS_OID, PolicyHintsControl } from './policy-hints.control';

function encoded(control: PolicyHintsControl): string {
  const writer = new BerWriter();
  control.write(writer);
  return writer.buffer.toString('hex');
}

function oidOctets(oid: string): string {
  return `04${oid.length.toString(16).padStart(2, '0')}${Buffer.from(oid, 'ascii').toString('hex')}`;
}

describe('PolicyHintsControl', () => {
  it('encodes Control ::= SEQUENCE { type, criticality TRUE, value OCTET STRING (SEQUENCE { INTEGER 1 }) }', () => {
    const body = `${oidOctets(POLICY_HINTS_OID)}0101ff` + '0405' + '3003020101';

    expect(encoded(new PolicyHintsControl())).toBe(`30${(body.length / 2).toString(16).padStart(2, '0')}${body}`);
  });

  it('can use the deprecated OID for older DCs', () => {
    expect(encoded(new PolicyHintsControl(POLICY_HINTS_DEPRECATED_OID))).toContain(
      oidOctets(POLICY_HINTS_DEPRECATED_OID),
    );
  });

  it('is always critical', () => {
    expect(new PolicyHintsControl().critical).toBe(true);
  });
});

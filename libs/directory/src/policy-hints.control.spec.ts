import { ResetHistoryPolicy } from '@sspr/contracts';
import { BerWriter } from 'ldapts';
import {
  decidePolicyHints,
  POLICY_HINTS_DEPRECATED_OID,
  POLICY_HINTS_OID,
  PolicyHintsControl,
} from './policy-hints.control';

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

describe('decidePolicyHints', () => {
  const OTHERS = ['1.2.840.113556.1.4.319', '1.2.840.113556.1.4.801'];

  it.each(['enforce-if-supported', 'require'] as const)(
    'sends the current control when the DC lists it, whatever the mode (%s)',
    (mode) => {
      expect(decidePolicyHints([...OTHERS, POLICY_HINTS_DEPRECATED_OID, POLICY_HINTS_OID], mode)).toEqual({
        oid: POLICY_HINTS_OID,
        resetHistory: ResetHistoryPolicy.Enforced,
      });
    },
  );

  it('falls back to the deprecated control when only that one is listed', () => {
    expect(decidePolicyHints([...OTHERS, POLICY_HINTS_DEPRECATED_OID], 'enforce-if-supported')).toEqual({
      oid: POLICY_HINTS_DEPRECATED_OID,
      resetHistory: ResetHistoryPolicy.Enforced,
    });
  });

  it('resets without the history check when neither is listed and the mode is enforce-if-supported', () => {
    expect(decidePolicyHints(OTHERS, 'enforce-if-supported')).toEqual({ resetHistory: ResetHistoryPolicy.NotEnforced });
  });

  it('refuses resets when neither is listed and the mode is require', () => {
    expect(decidePolicyHints(OTHERS, 'require')).toEqual({ resetHistory: ResetHistoryPolicy.Refused });
  });
});

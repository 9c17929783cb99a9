import { apiValidationPipe } from '../../common/api-validation.pipe';
import { DomainError } from '../../common/domain-error';
import { CreateUserDto } from './user.dto';

const pipe = apiValidationPipe();

async function errorsOf(body: unknown): Promise<readonly string[]> {
  try {
    await pipe.transform(body, { type: 'body', metatype: CreateUserDto });
  } catch (err) {
    if (err instanceof DomainError) return err.details ?? [];
    throw err;
  }
  return [];
}

describe('CreateUserDto', () => {
  const base = { userPrincipalName: 'ada@example.test', displayName: 'Ada' };

  it('requires the distinguished name of a synced user', async () => {
    await expect(errorsOf({ ...base, source: 'synced' })).resolves.toContain(
      'onPremDistinguishedName is required for a synced user',
    );
  });

  it('accepts a synced user with its anchors', async () => {
    await expect(
      errorsOf({
        ...base,
        source: 'synced',
        onPremDistinguishedName: 'uid=ada,dc=example,dc=test',
        onPremImmutableId: 'a-b-c',
      }),
    ).resolves.toEqual([]);
  });

  it('accepts a cloud-only user without anchors', async () => {
    await expect(errorsOf({ ...base, source: 'cloud' })).resolves.toEqual([]);
  });

  it('accepts a cloud-only user with an initial password to change at the first sign-in', async () => {
    await expect(
      errorsOf({ ...base, source: 'cloud', password: 'Initial-Pass-1', mustChangeAtNextSignIn: true }),
    ).resolves.toEqual([]);
  });

  it('refuses an initial password that is not a string, without quoting it', async () => {
    await expect(errorsOf({ ...base, source: 'cloud', password: 12345678 })).resolves.toEqual([
      'password must be a string of 1 to 1024 characters',
    ]);
  });

  it('refuses a user principal name without a domain', async () => {
    await expect(errorsOf({ ...base, userPrincipalName: 'ada', source: 'cloud' })).resolves.toEqual([
      'userPrincipalName must look like name@domain',
    ]);
  });
});

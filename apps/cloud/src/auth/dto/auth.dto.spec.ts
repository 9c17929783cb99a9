import { Secret } from '@sspr/contracts';
import { apiValidationPipe } from '../../common/api-validation.pipe';
import { DomainError } from '../../common/domain-error';
import { ChangePasswordDto, SignInDto } from './auth.dto';

const pipe = apiValidationPipe();

function parse<T>(metatype: new () => T, body: unknown): Promise<T> {
  return pipe.transform(body, { type: 'body', metatype }) as Promise<T>;
}

async function errorsOf(metatype: new () => object, body: unknown): Promise<readonly string[]> {
  try {
    await parse(metatype, body);
  } catch (err) {
    if (err instanceof DomainError) return err.details ?? [];
    throw err;
  }
  throw new Error('expected the body to be refused');
}

describe('SignInDto and ChangePasswordDto', () => {
  it('wrap the passwords in Secrets as soon as they are parsed', async () => {
    const signIn = await parse(SignInDto, { userPrincipalName: 'ada@example.test', password: 'Hunter2-Hunter2' });
    const change = await parse(ChangePasswordDto, { currentPassword: 'Old-Pass-1', newPassword: 'New-Pass-2' });

    expect(signIn.password).toBeInstanceOf(Secret);
    expect(change.currentPassword.reveal()).toBe('Old-Pass-1');
    expect(JSON.stringify([signIn, change])).not.toMatch(/Hunter2|Old-Pass|New-Pass/);
  });

  it.each([[''], [42], ['x'.repeat(1025)]])('refuse the password %p without quoting it', async (password) => {
    const errors = await errorsOf(SignInDto, { userPrincipalName: 'ada@example.test', password });

    expect(errors).toEqual(['password must be a string of 1 to 1024 characters']);
  });

  it('need both passwords for a change', async () => {
    await expect(errorsOf(ChangePasswordDto, { newPassword: 'New-Pass-2' })).resolves.toEqual([
      'currentPassword must be a string of 1 to 1024 characters',
    ]);
  });

  it('refuse unknown fields', async () => {
    await expect(
      errorsOf(SignInDto, { userPrincipalName: 'ada@example.test', password: 'x-x-x-x-x', admin: true }),
    ).resolves.toEqual(['property admin should not exist']);
  });
});

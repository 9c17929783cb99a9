import { Secret } from '@sspr/contracts';
import { apiValidationPipe } from '../../common/api-validation.pipe';
import { DomainError } from '../../common/domain-error';
import { PasswordResetDto } from './password-reset.dto';

const pipe = apiValidationPipe();

function parse(body: unknown): Promise<PasswordResetDto> {
  return pipe.transform(body, { type: 'body', metatype: PasswordResetDto }) as Promise<PasswordResetDto>;
}

async function errorsOf(body: unknown): Promise<readonly string[]> {
  try {
    await parse(body);
  } catch (err) {
    if (err instanceof DomainError) return err.details ?? [];
    throw err;
  }
  throw new Error('expected the body to be refused');
}

describe('PasswordResetDto', () => {
  it('wraps the password in a Secret as soon as it is parsed', async () => {
    const dto = await parse({ password: 'Hunter2-Hunter2' });

    expect(dto.password).toBeInstanceOf(Secret);
    expect(dto.password?.reveal()).toBe('Hunter2-Hunter2');
    expect(JSON.stringify(dto)).not.toContain('Hunter2');
  });

  it('accepts generate: true with the options', async () => {
    await expect(parse({ generate: true, mustChangeAtNextSignIn: true, unlock: true })).resolves.toMatchObject({
      generate: true,
      mustChangeAtNextSignIn: true,
      unlock: true,
    });
  });

  it('needs a password or generate', async () => {
    await expect(errorsOf({})).resolves.toEqual(['give a password, or generate: true for a temporary one']);
  });

  it('refuses a password and generate together', async () => {
    await expect(errorsOf({ password: 'x', generate: true })).resolves.toEqual([
      'give either a password or generate: true, not both',
    ]);
  });

  it('refuses generate: false without a password', async () => {
    await expect(errorsOf({ generate: false })).resolves.toEqual([
      'give a password, or generate: true for a temporary one',
    ]);
  });

  it.each([[''], ['x'.repeat(257)], [42]])('refuses the password %p without quoting it', async (password) => {
    const errors = await errorsOf({ password });

    expect(errors).toEqual(['password must be a string of 1 to 256 characters']);
  });

  it('refuses unknown fields', async () => {
    await expect(errorsOf({ password: 'ok-password', admin: true })).resolves.toEqual([
      'property admin should not exist',
    ]);
  });
});

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const OPENSSL = 'openssl';

/** Validity of a server certificate the harness issues with its test CA. */
export interface CertificateValidity {
  notBefore: Date;
  notAfter: Date;
}

/** From a day ago for ten years. */
export function defaultValidity(): CertificateValidity {
  const now = Date.now();
  return { notBefore: new Date(now - 86_400_000), notAfter: new Date(now + 3650 * 86_400_000) };
}

function opensslTime(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

/**
 * A test CA (EC P-256, ten years) in `dir`: ca.pem and ca.key. The directories' self-made certificates cannot be
 * re-issued on demand with a chosen validity; this CA can.
 */
export async function createTestCa(dir: string): Promise<void> {
  await run(OPENSSL, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    join(dir, 'ca.key'),
    '-out',
    join(dir, 'ca.pem'),
    '-days',
    '3650',
    '-subj',
    '/O=SSPR tests/CN=SSPR Test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await chmod(join(dir, 'ca.key'), 0o600);
}

/**
 * A server certificate for `hostname` (CN and DNS SAN) signed by the CA in `caDir`, written to `outDir`/cert.pem
 * and key.pem (0600: Samba refuses a key others can read). `openssl ca`, because `openssl x509` (3.0) cannot
 * back-date, and an expired certificate is what some tests need.
 */
export async function issueTestCertificate(
  caDir: string,
  outDir: string,
  hostname: string,
  validity: CertificateValidity = defaultValidity(),
): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'sspr-ca-'));
  try {
    const conf = join(work, 'ca.cnf');
    await writeFile(join(work, 'index.txt'), '');
    await writeFile(join(work, 'serial'), `${randomBytes(8).toString('hex')}\n`);
    await writeFile(
      conf,
      `[ca]
default_ca = test
[test]
database = ${join(work, 'index.txt')}
new_certs_dir = ${work}
serial = ${join(work, 'serial')}
default_md = sha256
policy = anything
unique_subject = no
x509_extensions = server
[anything]
commonName = supplied
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyAgreement
extendedKeyUsage = serverAuth
subjectAltName = DNS:${hostname}
`,
    );
    const key = join(outDir, 'key.pem');
    await run(OPENSSL, [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      join(work, 'server.csr'),
      '-subj',
      `/CN=${hostname}`,
    ]);
    await chmod(key, 0o600);
    await run(OPENSSL, [
      'ca',
      '-batch',
      '-notext',
      '-config',
      conf,
      '-cert',
      join(caDir, 'ca.pem'),
      '-keyfile',
      join(caDir, 'ca.key'),
      '-in',
      join(work, 'server.csr'),
      '-out',
      join(outDir, 'cert.pem'),
      '-startdate',
      opensslTime(validity.notBefore),
      '-enddate',
      opensslTime(validity.notAfter),
    ]);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

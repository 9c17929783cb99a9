import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomInt } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Attribute, Change, Client } from 'ldapts';
import { escapeDnValue, objectGuidToString } from '@sspr/directory';
import { createTestCa, defaultValidity, issueTestCertificate, type CertificateValidity } from './test-ca';
import { awaitServerStart, stopServer } from './server-process';
import { waitFor } from './wait-for';

const run = promisify(execFile);

const SAMBA = '/usr/sbin/samba';
const SAMBA_TOOL = '/usr/bin/samba-tool';
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5000;

/** The throwaway domain every DC of the harness holds (provisioned once, then copied; see startSamba). */
export const AD_REALM = 'EXAMPLE.TEST';
export const AD_NETBIOS_DOMAIN = 'EXAMPLE';
export const AD_BASE_DN = 'DC=example,DC=test';
/** The DC's host name: its TLS certificate names it, so a client connecting to an address must check against it. */
export const AD_DC_HOSTNAME = 'dc1.example.test';
export const AD_UPN_SUFFIX = 'example.test';
export const AD_PEOPLE_DN = `OU=People,${AD_BASE_DN}`;
export const AD_GROUPS_DN = `OU=Groups,${AD_BASE_DN}`;
export const AD_SERVICES_DN = `OU=Service Accounts,${AD_BASE_DN}`;
/** Test-only. Domain Admin: arrange a test with it, never act as the agent with it. */
export const AD_ADMIN_DN = `CN=Administrator,CN=Users,${AD_BASE_DN}`;
export const AD_ADMIN_PASSWORD = 'Admin-Pass-2026!';
/** The agent's service account: delegated rights on OU=People only (see SERVICE_ACES). */
export const AD_SERVICE_DN = `CN=sspr-agent,${AD_SERVICES_DN}`;
export const AD_SERVICE_PASSWORD = 'Agent-Service-Pass-2026';

/** The initial password of a seeded AD user. AD's complexity rule refuses a password that contains the account name. */
export function adSeedPassword(sAMAccountName: string): string {
  return `Seed-${createHash('sha1').update(sAMAccountName).digest('hex').slice(0, 10)}-Ad`;
}

/** userAccountControl bits the harness writes. */
const UF_ACCOUNTDISABLE = 0x2;
const UF_NORMAL_ACCOUNT = 0x200;
const UF_DONT_EXPIRE_PASSWD = 0x10000;

/** Domain password and lockout policy, in plain units; written to the domain object (applies at once). */
export interface SambaPolicy {
  minPwdLength: number;
  /** pwdProperties DOMAIN_PASSWORD_COMPLEX: three of upper, lower, digit, symbol, and not the account name. */
  complexity: boolean;
  pwdHistoryLength: number;
  /** 0: a user may change a password again at once. */
  minPwdAgeSeconds: number;
  /** 0: passwords never expire. */
  maxPwdAgeSeconds: number;
  /** Bad binds before a lock; 0: never lock. */
  lockoutThreshold: number;
  lockoutDurationSeconds: number;
  lockoutObservationWindowSeconds: number;
}

/** What every DC of the harness starts with. */
export const AD_TEST_POLICY: SambaPolicy = {
  minPwdLength: 10,
  complexity: true,
  pwdHistoryLength: 5,
  minPwdAgeSeconds: 0,
  maxPwdAgeSeconds: 0,
  lockoutThreshold: 5,
  lockoutDurationSeconds: 30 * 60,
  lockoutObservationWindowSeconds: 30 * 60,
};

export interface AdSeedUser {
  dn: string;
  sAMAccountName: string;
  userPrincipalName: string;
  displayName: string;
  /** The documented initial password, adSeedPassword(sAMAccountName). */
  password: string;
  /** objectGUID in the canonical (Windows, lower-case) string form. */
  immutableId: string;
}

export interface AdSeedGroup {
  dn: string;
  name: string;
  immutableId: string;
  /** Direct members' DNs (users and groups). */
  members: string[];
}

export interface SambaHandle {
  /** 127.x.y.z: each DC has a loopback address of its own, because Samba's LDAP ports are fixed (389, 636). */
  host: string;
  /** ldaps://host:636 */
  url: string;
  /** ldap://host:389, for StartTLS (a simple bind in clear is refused by Samba). */
  startTlsUrl: string;
  /** The name the certificate carries (dc1.example.test): pass it as the TLS servername. */
  servername: string;
  /** PEM of the test CA that signed the DC's certificate. */
  caPem: string;
  /** The same CA as a file (LDAP_CA_FILE for an agent process). */
  caFile: string;
  baseDn: string;
  adminDn: string;
  adminPassword: string;
  serviceDn: string;
  servicePassword: string;
  /** Twenty ordinary users under OU=People with mail, mobile, telephoneNumber and displayName. */
  users: AdSeedUser[];
  /** userAccountControl ACCOUNTDISABLE. */
  disabledUser: AdSeedUser;
  /** adminCount=1 (what AD's SDProp stamps on members of protected groups). */
  protectedUser: AdSeedUser;
  /** Engineering (users), Product (users and the Engineering group: nested), Administrators of IT (the protected user). */
  groups: AdSeedGroup[];
  /** The private directory: smb.conf, the database, samba.log. */
  dir: string;
  /** The samba process id while it runs. */
  readonly pid: number | undefined;
  /** A client bound as Administrator over LDAPS, for arranging and inspecting; closed after `work`. */
  asAdministrator<T>(work: (client: Client) => Promise<T>): Promise<T>;
  /** Adds an enabled user under OU=People (as Administrator) with adSeedPassword. */
  addUser(sAMAccountName: string): Promise<AdSeedUser>;
  /** Writes these policy settings to the domain object (the rest stay as they are). */
  setPolicy(policy: Partial<SambaPolicy>): Promise<void>;
  /** Replaces the DC's certificate by one of the test CA with this validity, and restarts the DC. */
  useCertificate(validity: CertificateValidity): Promise<void>;
  stop(): Promise<void>;
  /** Starts again on the same directory and address. */
  start(): Promise<void>;
  /** Stops and deletes the directory. */
  destroy(): Promise<void>;
}

export interface StartSambaOptions {
  /** Written to the domain object after the start (on top of AD_TEST_POLICY). */
  policy?: Partial<SambaPolicy>;
  /** Validity of the DC certificate; default: from a day ago for ten years. */
  certificate?: CertificateValidity;
}

const FIRST_NAMES = ['Alice', 'Bruno', 'Chloe', 'David', 'Emma', 'Felix', 'Grace', 'Hugo', 'Ines', 'Jonas'];
const LAST_NAMES = ['Adams', 'Berger', 'Costa', 'Dubois'];

interface UserSeed {
  sAMAccountName: string;
  givenName: string;
  sn: string;
  disabled?: boolean;
  protected?: boolean;
}

/** 20 ordinary users, then the disabled and the protected one. */
const USER_SEEDS: readonly UserSeed[] = [
  ...Array.from({ length: 20 }, (_, i): UserSeed => {
    const givenName = FIRST_NAMES[i % FIRST_NAMES.length]!;
    const sn = LAST_NAMES[Math.floor(i / FIRST_NAMES.length)]!;
    return { sAMAccountName: `${givenName}.${sn}`.toLowerCase(), givenName, sn };
  }),
  { sAMAccountName: 'former.employee', givenName: 'Former', sn: 'Employee', disabled: true },
  { sAMAccountName: 'it.admin', givenName: 'IT', sn: 'Admin', protected: true },
];

const GROUP_SEEDS = [
  { name: 'Engineering', users: ['alice.adams', 'bruno.adams', 'chloe.adams'], groups: [] },
  { name: 'Product', users: ['david.adams', 'emma.adams'], groups: ['Engineering'] },
  { name: 'IT Administrators', users: ['it.admin'], groups: [] },
] as const;

/**
 * The agent's rights, delegated on OU=People and inherited by user objects only (inherited object type: the user
 * class): Reset Password, write pwdLastSet (must change) and lockoutTime (unlock), and read. Not Domain Admins.
 */
function serviceAces(sid: string): string {
  const user = 'bf967aba-0de6-11d0-a285-00aa003049e2';
  const resetPassword = '00299570-246d-11d0-a768-00aa006e0529';
  const pwdLastSet = 'bf967a0a-0de6-11d0-a285-00aa003049e2';
  const lockoutTime = '28630ebf-41d5-11d1-a9c1-0000f80367c1';
  return [
    `(OA;CIIO;CR;${resetPassword};${user};${sid})`,
    `(OA;CIIO;WP;${pwdLastSet};${user};${sid})`,
    `(OA;CIIO;WP;${lockoutTime};${user};${sid})`,
    `(OA;CIIO;RPLCLORC;;${user};${sid})`,
  ].join('');
}

/** The seed, hashed into the template's name: a changed seed provisions a new template. */
const TEMPLATE_KEY_PARTS = [
  'samba-template-v1',
  JSON.stringify({ USER_SEEDS, GROUP_SEEDS, AD_TEST_POLICY, AD_SERVICE_PASSWORD, AD_ADMIN_PASSWORD }),
  serviceAces('SID'),
];

function sambaMissing(): Error {
  return new Error(
    'Samba AD is not installed: apt-get install -y samba samba-ad-dc ldb-tools (.ci/run does it on a fresh machine)',
  );
}

/** An AD interval (negative 100 ns units) from seconds; 0 stays 0. */
function adInterval(seconds: number): string {
  return seconds === 0 ? '0' : (-BigInt(seconds) * 10_000_000n).toString();
}

/** maxPwdAge "never": the most negative 64-bit value. */
const AD_NEVER = '-9223372036854775808';

function policyChanges(policy: Partial<SambaPolicy>): Change[] {
  const values: Record<string, string | undefined> = {
    minPwdLength: policy.minPwdLength?.toString(),
    pwdProperties: policy.complexity === undefined ? undefined : policy.complexity ? '1' : '0',
    pwdHistoryLength: policy.pwdHistoryLength?.toString(),
    minPwdAge: policy.minPwdAgeSeconds === undefined ? undefined : adInterval(policy.minPwdAgeSeconds),
    maxPwdAge:
      policy.maxPwdAgeSeconds === undefined
        ? undefined
        : policy.maxPwdAgeSeconds === 0
          ? AD_NEVER
          : adInterval(policy.maxPwdAgeSeconds),
    lockoutThreshold: policy.lockoutThreshold?.toString(),
    lockoutDuration:
      policy.lockoutDurationSeconds === undefined ? undefined : adInterval(policy.lockoutDurationSeconds),
    lockOutObservationWindow:
      policy.lockoutObservationWindowSeconds === undefined
        ? undefined
        : adInterval(policy.lockoutObservationWindowSeconds),
  };
  return Object.entries(values)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(
      ([type, value]) => new Change({ operation: 'replace', modification: new Attribute({ type, values: [value] }) }),
    );
}

/** A SID's binary form (MS-DTYP §2.4.2.2) as S-1-5-21-… */
function sidToString(bytes: Buffer): string {
  const count = bytes.readUInt8(1);
  const authority = bytes.readUIntBE(2, 6);
  const parts = Array.from({ length: count }, (_, i) => bytes.readUInt32LE(8 + 4 * i));
  return `S-${bytes.readUInt8(0)}-${authority}${parts.map((p) => `-${p}`).join('')}`;
}

function unicodePwd(password: string): Buffer {
  return Buffer.from(`"${password}"`, 'utf16le');
}

async function freeOnAddress(host: string, port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolveFree) => {
    server.once('error', () => resolveFree(false));
    server.listen(port, host, () => server.close(() => resolveFree(true)));
  });
}

/**
 * A loopback address (127.64.0.0/10) whose LDAP ports are free a moment ago. Samba's LDAP server has no port
 * setting (389, 636, 3268 and 3269 are compiled in), so concurrent DCs get an address each instead of a port each.
 */
async function freeLoopbackAddress(): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const host = `127.${randomInt(64, 128)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
    const free = await Promise.all([389, 636, 3268, 3269].map((port) => freeOnAddress(host, port)));
    if (free.every(Boolean)) return host;
  }
  throw new Error('found no loopback address with ports 389, 636, 3268 and 3269 free');
}

/**
 * smb.conf of a DC copied from the template: everything under `dir`, LDAP only, on its own loopback address.
 * `interfaces = ADDRESS/8`: Samba accepts an address no interface carries only in this form ("user knows best");
 * Linux routes all of 127/8 to lo. The old password stays valid for binds 60 minutes by default: 0 for tests.
 */
function smbConf(dir: string, host: string): string {
  const dc = join(dir, 'dc');
  return `# Generated by @sspr/test-support startSamba; throwaway state.
[global]
	netbios name = DC1
	realm = ${AD_REALM}
	workgroup = ${AD_NETBIOS_DOMAIN}
	server role = active directory domain controller
	server services = ldap
	interfaces = ${host}/8
	bind interfaces only = yes
	private dir = ${join(dc, 'private')}
	lock directory = ${dc}
	state directory = ${join(dc, 'state')}
	cache directory = ${join(dc, 'cache')}
	binddns dir = ${join(dc, 'bind-dns')}
	pid directory = ${join(dir, 'run')}
	ncalrpc dir = ${join(dir, 'run', 'ncalrpc')}
	winbindd socket directory = ${join(dir, 'run', 'winbindd')}
	ntp signd socket directory = ${join(dir, 'run', 'ntp_signd')}
	usershare path = ${join(dir, 'usershares')}
	tls enabled = yes
	tls keyfile = ${join(dir, 'tls', 'key.pem')}
	tls certfile = ${join(dir, 'tls', 'cert.pem')}
	tls cafile = ${join(dir, 'tls', 'ca.pem')}
	old password allowed period = 0
	log level = 1
`;
}

/** What provisioning writes outside its target directory unless the seed config moves it. */
function seedConf(dir: string): string {
  return `[global]
	interfaces = lo
	bind interfaces only = yes
	pid directory = ${join(dir, 'run')}
	ncalrpc dir = ${join(dir, 'run', 'ncalrpc')}
	winbindd socket directory = ${join(dir, 'run', 'winbindd')}
	ntp signd socket directory = ${join(dir, 'run', 'ntp_signd')}
	usershare path = ${join(dir, 'usershares')}
`;
}

/**
 * The harness's own connection. It does not verify the certificate: a test may have given the DC an expired or
 * not yet valid one (useCertificate) and still needs to arrange and inspect; the adapter under test verifies.
 */
function ldapsClient(host: string): Client {
  return new Client({
    url: `ldaps://${host}:636`,
    timeout: 10_000,
    connectTimeout: 5000,
    tlsOptions: { rejectUnauthorized: false, minVersion: 'TLSv1.2' },
  });
}

async function asAdministrator<T>(host: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = ldapsClient(host);
  try {
    await client.bind(AD_ADMIN_DN, AD_ADMIN_PASSWORD);
    return await work(client);
  } finally {
    await client.unbind();
  }
}

interface DcProcess {
  stop(): Promise<void>;
  start(): Promise<void>;
  readonly pid: number | undefined;
}

/**
 * Runs samba for the DC in `dir`. `-i` (interactive) makes samba its own process group and end when its stdin
 * closes: stdin is a pipe from this process, so a crashed or killed test run takes the DC with it. `-M single`:
 * one process, which a test can stop and kill by its pid.
 */
function dcProcess(dir: string, host: string): DcProcess {
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    const log = openSync(join(dir, 'samba.log'), 'a');
    try {
      child = spawn(SAMBA, ['-i', '-M', 'single', '-s', join(dir, 'smb.conf')], { stdio: ['pipe', log, log] });
    } finally {
      closeSync(log);
    }
    await awaitServerStart(child, 'samba', join(dir, 'samba.log'), () =>
      waitFor(() => asAdministrator(host, () => Promise.resolve(true)), {
        timeoutMs: START_TIMEOUT_MS,
        intervalMs: 50,
        what: `samba to answer LDAPS on ${host}`,
      }),
    );
  };
  const stop = (): Promise<void> => stopServer(child, STOP_TIMEOUT_MS);
  return {
    start: async () => {
      await stop();
      await launch();
    },
    stop,
    get pid() {
      return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
  };
}

async function prepareRunDirs(dir: string): Promise<void> {
  await mkdir(join(dir, 'run'), { recursive: true });
  await mkdir(join(dir, 'usershares'), { recursive: true });
}

async function addUserEntry(client: Client, seed: UserSeed): Promise<AdSeedUser> {
  const sAMAccountName = seed.sAMAccountName;
  const displayName = `${seed.givenName} ${seed.sn}`;
  const dn = `CN=${escapeDnValue(displayName)},${AD_PEOPLE_DN}`;
  const userPrincipalName = `${sAMAccountName}@${AD_UPN_SUFFIX}`;
  const password = adSeedPassword(sAMAccountName);
  const index = [...sAMAccountName].reduce((sum, char) => sum + char.charCodeAt(0), 0) % 10_000;
  await client.add(dn, [
    new Attribute({ type: 'objectClass', values: ['top', 'person', 'organizationalPerson', 'user'] }),
    new Attribute({ type: 'sAMAccountName', values: [sAMAccountName] }),
    new Attribute({ type: 'userPrincipalName', values: [userPrincipalName] }),
    new Attribute({ type: 'givenName', values: [seed.givenName] }),
    new Attribute({ type: 'sn', values: [seed.sn] }),
    new Attribute({ type: 'displayName', values: [displayName] }),
    new Attribute({ type: 'mail', values: [`${sAMAccountName}@${AD_UPN_SUFFIX}`] }),
    new Attribute({ type: 'mobile', values: [`+4170555${index.toString().padStart(4, '0')}`] }),
    new Attribute({ type: 'telephoneNumber', values: [`+4144555${index.toString().padStart(4, '0')}`] }),
    new Attribute({ type: 'unicodePwd', values: [unicodePwd(password)] }),
    new Attribute({
      type: 'userAccountControl',
      values: [String(UF_NORMAL_ACCOUNT | (seed.disabled ? UF_ACCOUNTDISABLE : 0))],
    }),
    ...(seed.protected ? [new Attribute({ type: 'adminCount', values: ['1'] })] : []),
  ]);
  return { dn, sAMAccountName, userPrincipalName, displayName, password, immutableId: '' };
}

async function readGuid(client: Client, dn: string): Promise<string> {
  const { searchEntries } = await client.search(dn, {
    scope: 'base',
    attributes: ['objectGUID'],
    explicitBufferAttributes: ['objectGUID'],
  });
  const guid = searchEntries[0]?.objectGUID;
  if (!Buffer.isBuffer(guid)) throw new Error(`no objectGUID on ${dn}`);
  return objectGuidToString(guid);
}

interface TemplateSeed {
  users: AdSeedUser[];
  disabledUser: AdSeedUser;
  protectedUser: AdSeedUser;
  groups: AdSeedGroup[];
}

/** Over LDAPS as Administrator: policy, OUs, service account, users, groups. */
async function seedDomain(client: Client): Promise<{ seed: TemplateSeed; serviceSid: string }> {
  await client.modify(AD_BASE_DN, policyChanges(AD_TEST_POLICY));
  for (const ou of [AD_PEOPLE_DN, AD_GROUPS_DN, AD_SERVICES_DN]) {
    await client.add(ou, { objectClass: ['top', 'organizationalUnit'] });
  }
  await client.add(AD_SERVICE_DN, [
    new Attribute({ type: 'objectClass', values: ['top', 'person', 'organizationalPerson', 'user'] }),
    new Attribute({ type: 'sAMAccountName', values: ['sspr-agent'] }),
    new Attribute({ type: 'userPrincipalName', values: [`sspr-agent@${AD_UPN_SUFFIX}`] }),
    new Attribute({ type: 'unicodePwd', values: [unicodePwd(AD_SERVICE_PASSWORD)] }),
    new Attribute({ type: 'userAccountControl', values: [String(UF_NORMAL_ACCOUNT | UF_DONT_EXPIRE_PASSWD)] }),
  ]);
  const { searchEntries } = await client.search(AD_SERVICE_DN, {
    scope: 'base',
    attributes: ['objectSid'],
    explicitBufferAttributes: ['objectSid'],
  });
  const sid = searchEntries[0]?.objectSid;
  if (!Buffer.isBuffer(sid)) throw new Error('the service account has no objectSid');

  const people: AdSeedUser[] = [];
  for (const userSeed of USER_SEEDS) {
    const user = await addUserEntry(client, userSeed);
    people.push({ ...user, immutableId: await readGuid(client, user.dn) });
  }
  const byName = new Map(people.map((u) => [u.sAMAccountName, u]));
  const groups: AdSeedGroup[] = [];
  for (const groupSeed of GROUP_SEEDS) {
    const dn = `CN=${escapeDnValue(groupSeed.name)},${AD_GROUPS_DN}`;
    const members = [
      ...groupSeed.users.map((name) => byName.get(name)!.dn),
      ...groupSeed.groups.map((name) => groups.find((g) => g.name === name)!.dn),
    ];
    await client.add(dn, {
      objectClass: ['top', 'group'],
      sAMAccountName: groupSeed.name.replaceAll(' ', '-'),
      member: members,
    });
    groups.push({ dn, name: groupSeed.name, members, immutableId: await readGuid(client, dn) });
  }
  const seeds = USER_SEEDS.map((s, i) => ({ seed: s, user: people[i]! }));
  return {
    seed: {
      users: seeds.filter(({ seed }) => !seed.disabled && !seed.protected).map(({ user }) => user),
      disabledUser: seeds.find(({ seed }) => seed.disabled)!.user,
      protectedUser: seeds.find(({ seed }) => seed.protected)!.user,
      groups,
    },
    serviceSid: sidToString(sid),
  };
}

interface Template {
  dir: string;
  seed: TemplateSeed;
}

/**
 * Provisioning costs ~4.5 s of CPU, so it happens once per machine: a seeded domain, stopped cleanly, kept in
 * os.tmpdir() under a name hashed from the Samba version and the seed, and copied for every DC. Built in a
 * scratch directory and renamed into place, so concurrent test processes never see half a template.
 */
async function buildTemplate(): Promise<Template> {
  if (!existsSync(SAMBA) || !existsSync(SAMBA_TOOL)) throw sambaMissing();
  const { stdout: version } = await run(SAMBA, ['--version']);
  const key = createHash('sha256')
    .update([version.trim(), ...TEMPLATE_KEY_PARTS].join('\n'))
    .digest('hex')
    .slice(0, 16);
  const final = join(tmpdir(), `sspr-samba-template-${key}`);
  const seedFile = join(final, 'seed.json');
  if (existsSync(seedFile)) return { dir: final, seed: JSON.parse(await readFile(seedFile, 'utf8')) as TemplateSeed };

  const dir = await mkdtemp(join(tmpdir(), 'sspr-samba-build-'));
  try {
    await prepareRunDirs(dir);
    await writeFile(join(dir, 'seed.conf'), seedConf(dir));
    await run(SAMBA_TOOL, [
      'domain',
      'provision',
      '-s',
      join(dir, 'seed.conf'),
      '--targetdir',
      join(dir, 'dc'),
      `--realm=${AD_REALM}`,
      `--domain=${AD_NETBIOS_DOMAIN}`,
      '--server-role=dc',
      '--dns-backend=NONE',
      '--host-name=dc1',
      '--host-ip=127.0.0.1',
      `--adminpass=${AD_ADMIN_PASSWORD}`,
    ]).catch((err: Error & { stderr?: string }) => {
      throw new Error(`samba-tool domain provision failed: ${err.stderr ?? err.message}`);
    });
    await mkdir(join(dir, 'tls'));
    await createTestCa(join(dir, 'tls'));
    await issueTestCertificate(join(dir, 'tls'), join(dir, 'tls'), AD_DC_HOSTNAME, defaultValidity());
    const host = await freeLoopbackAddress();
    await writeFile(join(dir, 'smb.conf'), smbConf(dir, host));
    const dc = dcProcess(dir, host);
    await dc.start();
    let seeded: { seed: TemplateSeed; serviceSid: string };
    try {
      seeded = await asAdministrator(host, seedDomain);
      // Security descriptors are NDR on the wire; samba-tool edits them from SDDL on the local database.
      await run(SAMBA_TOOL, [
        'dsacl',
        'set',
        '-s',
        join(dir, 'smb.conf'),
        '-H',
        join(dir, 'dc', 'private', 'sam.ldb'),
        `--objectdn=${AD_PEOPLE_DN}`,
        `--sddl=${serviceAces(seeded.serviceSid)}`,
      ]).catch((err: Error & { stderr?: string }) => {
        throw new Error(`samba-tool dsacl set failed: ${err.stderr ?? err.message}`);
      });
    } finally {
      await dc.stop();
    }
    // Only dc/ (the database) and tls/ (the CA) are copied; the rest named the build directory.
    for (const stale of [
      'run',
      'usershares',
      'smb.conf',
      'seed.conf',
      'samba.log',
      'dc/etc',
      'dc/msg.lock',
      'dc/msg.sock',
    ]) {
      await rm(join(dir, stale), { recursive: true, force: true });
    }
    await writeFile(join(dir, 'seed.json'), JSON.stringify(seeded.seed));
    try {
      await rename(dir, final);
    } catch (err) {
      // Another process finished first: use its template.
      if (!existsSync(seedFile)) throw err;
      await rm(dir, { recursive: true, force: true });
    }
    return { dir: final, seed: seeded.seed };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

let template: Promise<Template> | undefined;

/** The template, built once per process (and found on disk by later processes). */
function sambaTemplate(): Promise<Template> {
  template ??= buildTemplate().catch((err: unknown) => {
    template = undefined;
    throw err;
  });
  return template;
}

async function addUser(host: string, sAMAccountName: string): Promise<AdSeedUser> {
  const [givenName, ...rest] = sAMAccountName.split('.');
  return asAdministrator(host, async (client) => {
    const user = await addUserEntry(client, {
      sAMAccountName,
      givenName: givenName ?? sAMAccountName,
      sn: rest.join(' ') || 'User',
    });
    return { ...user, immutableId: await readGuid(client, user.dn) };
  });
}

/**
 * Starts a private Samba AD DC (domain EXAMPLE.TEST) on its own loopback address from a copy of the seeded template
 * (see buildTemplate): LDAP only, no systemd, nothing under /etc/samba or /var/lib/samba is touched. Resolves when it
 * answers an LDAPS bind. Needs root (ports 389 and 636). The DC is killed if this process exits without destroy().
 */
export async function startSamba(options: StartSambaOptions = {}): Promise<SambaHandle> {
  const { dir: templateDir, seed } = await sambaTemplate();
  const dir = await mkdtemp(join(tmpdir(), 'sspr-samba-'));
  let dc: DcProcess | undefined;
  try {
    // cp -a keeps the modes Samba insists on (private/, key files).
    await run('cp', ['-a', join(templateDir, 'dc'), join(templateDir, 'tls'), dir]);
    await prepareRunDirs(dir);
    if (options.certificate)
      await issueTestCertificate(join(dir, 'tls'), join(dir, 'tls'), AD_DC_HOSTNAME, options.certificate);
    const caPem = await readFile(join(dir, 'tls', 'ca.pem'), 'utf8');
    let host = await freeLoopbackAddress();
    for (let attempt = 1; ; attempt++) {
      await writeFile(join(dir, 'smb.conf'), smbConf(dir, host));
      dc = dcProcess(dir, host);
      try {
        await dc.start();
        break;
      } catch (err) {
        // Another DC took the address between the check and samba's bind.
        const taken = err instanceof Error && err.message.includes('ADDRESS_ALREADY_ASSOCIATED');
        if (!taken || attempt >= 3) throw err;
        host = await freeLoopbackAddress();
      }
    }
    const started = dc;
    const stopped = async (): Promise<void> => started.stop();
    const setPolicy = (policy: Partial<SambaPolicy>): Promise<void> =>
      asAdministrator(host, (client) => client.modify(AD_BASE_DN, policyChanges(policy)));
    if (options.policy) await setPolicy(options.policy);
    return {
      host,
      url: `ldaps://${host}:636`,
      startTlsUrl: `ldap://${host}:389`,
      servername: AD_DC_HOSTNAME,
      caPem,
      caFile: join(dir, 'tls', 'ca.pem'),
      baseDn: AD_BASE_DN,
      adminDn: AD_ADMIN_DN,
      adminPassword: AD_ADMIN_PASSWORD,
      serviceDn: AD_SERVICE_DN,
      servicePassword: AD_SERVICE_PASSWORD,
      ...seed,
      dir,
      get pid() {
        return started.pid;
      },
      asAdministrator: (work) => asAdministrator(host, work),
      addUser: (sAMAccountName) => addUser(host, sAMAccountName),
      setPolicy,
      useCertificate: async (validity) => {
        await started.stop();
        await issueTestCertificate(join(dir, 'tls'), join(dir, 'tls'), AD_DC_HOSTNAME, validity);
        await started.start();
      },
      stop: stopped,
      start: () => started.start(),
      destroy: async () => {
        await started.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await dc?.stop();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

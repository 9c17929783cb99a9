import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { HealthCheckName, HealthCheckStatus, ResultCode, type HealthCheck } from '@sspr/contracts';
import { Client } from 'ldapts';
import { classifyLdapError } from './directory.error';

/** Below this many days before expiry the tls_certificate check warns. */
export const CERTIFICATE_WARNING_DAYS = 14;
const DAY_MS = 86_400_000;

/** The directory's TLS certificate as a new connection sees it, checked with the adapter's CA and server name. */
export interface TlsCertificateReport {
  subject: string;
  validFrom: Date;
  validTo: Date;
  /** Why Node would refuse the certificate (CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID…); undefined when trusted. */
  authorizationError?: string;
}

export interface TlsProbeOptions {
  /** ldaps://host:port (or ldap://host:port spoken in TLS from the start), or ldap://host:port with startTls. */
  url: string;
  startTls: boolean;
  /** The options the adapter connects with (ca, servername); verification is reported, not enforced, here. */
  tls: ConnectionOptions;
  timeoutMs: number;
}

function report(socket: TLSSocket): TlsCertificateReport {
  const certificate = socket.getPeerX509Certificate();
  if (!certificate) throw new Error('the directory presented no certificate');
  const error = socket.authorized ? undefined : socket.authorizationError;
  return {
    subject: certificate.subject,
    validFrom: certificate.validFromDate,
    validTo: certificate.validToDate,
    authorizationError: error === undefined ? undefined : String((error as Error & { code?: string }).code ?? error),
  };
}

async function probeLdaps(url: URL, options: TlsProbeOptions): Promise<TlsCertificateReport> {
  const socket = tlsConnect({
    ...options.tls,
    host: url.hostname,
    // An ldap:// URL with TLS options is implicit TLS too (ldapts), on that URL's port.
    port: Number(url.port || (url.protocol === 'ldaps:' ? 636 : 389)),
    rejectUnauthorized: false,
  });
  try {
    return await new Promise<TlsCertificateReport>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('Connection timeout')), options.timeoutMs);
      socket.once('secureConnect', () => {
        clearTimeout(timer);
        try {
          resolve(report(socket));
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
      socket.once('error', (err: Error) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  } finally {
    socket.destroy();
  }
}

async function probeStartTls(options: TlsProbeOptions): Promise<TlsCertificateReport> {
  let secured: TLSSocket | undefined;
  const client = new Client({
    url: options.url,
    timeout: options.timeoutMs,
    connectTimeout: options.timeoutMs,
    createSecureConnection: ((connectOptions: ConnectionOptions) => {
      secured = tlsConnect(connectOptions);
      return secured;
    }) as typeof tlsConnect,
  });
  try {
    await client.startTLS({ ...options.tls, rejectUnauthorized: false });
    if (!secured) throw new Error('StartTLS did not open a TLS session');
    return report(secured);
  } finally {
    await client.unbind().catch(() => undefined); // the certificate is read; a failed goodbye changes nothing
  }
}

/**
 * Reads the directory's certificate on a connection of its own that sends no credentials, so the answer is what
 * the next connection would get (a renewed or expired certificate shows at once, whatever long-lived connection
 * the adapter holds) and an untrusted certificate can still be described. Throws a DirectoryError when the
 * directory cannot be reached.
 */
export async function probeTlsCertificate(options: TlsProbeOptions): Promise<TlsCertificateReport> {
  try {
    const url = new URL(options.url);
    return options.startTls ? await probeStartTls(options) : await probeLdaps(url, options);
  } catch (err) {
    throw classifyLdapError(err);
  }
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The tls_certificate health check: fail when expired, not yet valid or not trusted; warn close to expiry. */
export function tlsCertificateCheck(
  certificate: TlsCertificateReport,
  now: Date = new Date(),
  warningDays: number = CERTIFICATE_WARNING_DAYS,
): HealthCheck {
  const name = HealthCheckName.TlsCertificate;
  const expiry = day(certificate.validTo);
  if (certificate.validTo.getTime() <= now.getTime() || certificate.authorizationError === 'CERT_HAS_EXPIRED') {
    return { name, status: HealthCheckStatus.Fail, detail: `The directory’s TLS certificate expired on ${expiry}.` };
  }
  if (certificate.validFrom.getTime() > now.getTime() || certificate.authorizationError === 'CERT_NOT_YET_VALID') {
    return {
      name,
      status: HealthCheckStatus.Fail,
      detail: `The directory’s TLS certificate is not valid before ${day(certificate.validFrom)}.`,
    };
  }
  if (certificate.authorizationError !== undefined) {
    return {
      name,
      status: HealthCheckStatus.Fail,
      detail:
        `The directory’s TLS certificate is not trusted (${certificate.authorizationError}): ` +
        'check the CA and the server name the agent is configured with.',
    };
  }
  const daysLeft = Math.floor((certificate.validTo.getTime() - now.getTime()) / DAY_MS);
  if (daysLeft < warningDays) {
    return {
      name,
      status: HealthCheckStatus.Warn,
      detail: `The directory’s TLS certificate expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'}, on ${expiry}.`,
    };
  }
  return {
    name,
    status: HealthCheckStatus.Pass,
    detail: `The directory’s TLS certificate is valid until ${expiry}.`,
  };
}

/** The tls_certificate check for a directory reached over TLS; undefined when the directory cannot be reached. */
export async function tlsCertificateHealth(options: TlsProbeOptions, now?: Date): Promise<HealthCheck | undefined> {
  let certificate: TlsCertificateReport;
  try {
    certificate = await probeTlsCertificate(options);
  } catch (err) {
    const error = classifyLdapError(err);
    // Unreachable: the bind_account check says so already, and there is no certificate to judge.
    if (error.code === ResultCode.DirectoryUnreachable) return undefined;
    return {
      name: HealthCheckName.TlsCertificate,
      status: HealthCheckStatus.Fail,
      detail: `The directory’s TLS certificate could not be read: ${error.detail}.`,
    };
  }
  return tlsCertificateCheck(certificate, now);
}

import { Agent, request } from 'node:http';
import type { PolicyReason, ResultCode } from '@sspr/contracts';

const keepAlive = new Agent({ keepAlive: true });

export interface ApiResponse<T> {
  status: number;
  body: T;
}

export interface ResetResponse {
  resetId: string;
  commandId: string;
  outcome: ResultCode;
  reason?: PolicyReason;
  message: string;
  temporaryPassword?: string;
  code?: string;
}

export interface OnPremStatus {
  status: 'up_and_running' | 'degraded' | 'not_responding' | 'not_configured';
  writebackEnabled: boolean;
  message: string;
  agents: {
    agentId: string;
    name: string;
    status: string;
    version: string;
    lastHeartbeatAt: string | null;
    directory: { reachable: boolean; latencyMs?: number } | null;
    lastSuccessfulWritebackAt: string | null;
  }[];
}

/** A small typed client of the cloud's admin API, used by the tests, the demo and the benchmark. */
export class CloudApi {
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  as(token: string): CloudApi {
    return new CloudApi(this.baseUrl, token);
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    // node:http with a keep-alive agent rather than fetch: the benchmark times requests through this
    // client, and fetch costs the client several times more CPU per request on this 2-core machine.
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        new URL(path, this.baseUrl),
        {
          method,
          agent: keepAlive,
          headers: {
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
            ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
    return { status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  private async ok<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.call<T>(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  createTenant(name: string): Promise<{ tenant: { id: string; name: string }; adminToken: string }> {
    return this.ok('POST', '/api/v1/tenants', { name, licence: 'premium' });
  }

  createSyncedUser(
    tenantId: string,
    user: { userPrincipalName: string; displayName: string; dn: string; immutableId?: string },
  ): Promise<{ id: string }> {
    return this.ok('POST', `/api/v1/tenants/${tenantId}/users`, {
      userPrincipalName: user.userPrincipalName,
      displayName: user.displayName,
      source: 'synced',
      onPremDistinguishedName: user.dn,
      onPremImmutableId: user.immutableId,
    });
  }

  createRegistrationToken(tenantId: string): Promise<{ token: string; expiresAt: string }> {
    return this.ok('POST', `/api/v1/tenants/${tenantId}/agents/registration-tokens`, {});
  }

  resetPassword(
    tenantId: string,
    userId: string,
    body: { password?: string; generate?: boolean; mustChangeAtNextSignIn?: boolean; unlock?: boolean },
  ): Promise<ApiResponse<ResetResponse>> {
    return this.call('POST', `/api/v1/tenants/${tenantId}/users/${userId}/password-resets`, body);
  }

  status(tenantId: string): Promise<OnPremStatus> {
    return this.ok('GET', `/api/v1/tenants/${tenantId}/onprem-status`);
  }

  testConnection(
    tenantId: string,
  ): Promise<ApiResponse<{ outcome: ResultCode; agentId?: string; roundTripMs: number; message: string }>> {
    return this.call('POST', `/api/v1/tenants/${tenantId}/onprem-status/test`, {});
  }
}

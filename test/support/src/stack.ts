import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CloudApi } from './cloud-api';
import { NodeProcess } from './processes';
import type { DirectoryPerson } from './directory-under-test';
import type { SeedUser } from './slapd';
import { waitFor } from './wait-for';

/** A directory user imported into a tenant as a synced user. */
export type SyncedUser = SeedUser & { id: string };

export interface ProvisionedTenant<U = SeedUser> {
  tenantId: string;
  adminToken: string;
  admin: CloudApi;
  users: (U & { id: string })[];
  /** The tenant's registered agent, started and reporting up and running. */
  agent: NodeProcess;
}

export interface DirectoryEndpoint {
  url: string;
  baseDn: string;
  serviceDn: string;
  servicePassword: string;
  /** Default openldap. */
  kind?: 'openldap' | 'active_directory';
  /** PEM file of the CA that signed the directory's certificate (LDAP_CA_FILE). */
  caFile?: string;
  /** LDAP_TLS_SERVERNAME. */
  servername?: string;
  startTls?: boolean;
}

export interface StackOptions {
  databaseUrl: string;
  amqpUrl: string;
  directory: DirectoryEndpoint;
  /** Where process logs and agent state go. */
  workDir: string;
  cloudPort: number;
  deadlineMs?: number;
  heartbeatIntervalMs?: number;
  logLevel?: string;
  /** More agent environment (e.g. SYNC_INTERVAL_MS, AD_POLICY_HINTS, LDAP_PROTECTED_FILTER). */
  agentEnv?: Record<string, string>;
}

/**
 * The product as separate processes: one cloud and any number of agents, wired to the given
 * PostgreSQL, RabbitMQ and directory. Used by the e2e tests, the demo and the benchmark.
 */
export class Stack {
  readonly operatorToken = randomBytes(24).toString('base64url');
  /** The cloud's CLOUD_MASTER_KEY: tests and the benchmark use it to sign commands as the cloud would. */
  readonly masterKey = randomBytes(32).toString('base64');
  readonly cloud: NodeProcess;
  readonly cloudUrl: string;
  readonly operator: CloudApi;
  readonly agents: NodeProcess[] = [];

  constructor(readonly options: StackOptions) {
    mkdirSync(options.workDir, { recursive: true });
    this.cloudUrl = `http://127.0.0.1:${options.cloudPort}`;
    this.operator = new CloudApi(this.cloudUrl, this.operatorToken);
    this.cloud = new NodeProcess({
      script: 'apps/cloud/dist/main.js',
      logFile: join(options.workDir, 'cloud.log'),
      env: {
        DATABASE_URL: options.databaseUrl,
        AMQP_URL: options.amqpUrl,
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(options.cloudPort),
        CLOUD_MASTER_KEY: this.masterKey,
        CLOUD_OPERATOR_TOKEN: this.operatorToken,
        WRITEBACK_DEADLINE_MS: String(options.deadlineMs ?? 30_000),
        AGENT_HEARTBEAT_INTERVAL_MS: String(options.heartbeatIntervalMs ?? 10_000),
        // Tests, the demo and the benchmark call the public API from one address far more than people do.
        PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000',
        LOG_LEVEL: options.logLevel ?? 'info',
      },
    });
  }

  get logFiles(): string[] {
    return [join(this.options.workDir, 'cloud.log'), ...this.agents.map((_, i) => this.agentLog(i))];
  }

  /** The state directory (identity and key files) of the agent registered at `index`. */
  agentStateDir(index: number): string {
    return join(this.options.workDir, `agent-${index}`);
  }

  private agentLog(index: number): string {
    return join(this.options.workDir, `agent-${index}.log`);
  }

  /** Starts the cloud and waits until it answers. */
  async startCloud(timeoutMs = 20_000): Promise<void> {
    this.cloud.start();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.cloud.running) throw new Error(`the cloud exited at start; see ${this.logFiles[0]}`);
      const up = await fetch(new URL('/health', this.cloudUrl)).then(
        (r) => r.ok,
        () => false,
      );
      if (up) return;
      if (Date.now() > deadline) throw new Error(`the cloud did not answer within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Registers a new agent for the tenant (its own state dir and key) and returns its process, not started. */
  async registerAgent(tenantId: string, admin: CloudApi): Promise<NodeProcess> {
    const index = this.agents.length;
    const stateDir = this.agentStateDir(index);
    const { token } = await admin.createRegistrationToken(tenantId);
    const env = this.agentEnv(stateDir);
    const registration = new NodeProcess({
      script: 'apps/agent/dist/main.js',
      args: ['register', `--cloud-url=${this.cloudUrl}`, `--token=${token}`, `--name=agent-${index}`],
      env,
      logFile: this.agentLog(index),
    });
    const code = await registration.run();
    if (code !== 0) throw new Error(`agent registration failed (exit ${code}); see ${this.agentLog(index)}`);
    const agent = new NodeProcess({
      script: 'apps/agent/dist/main.js',
      args: ['run'],
      env,
      logFile: this.agentLog(index),
    });
    this.agents.push(agent);
    return agent;
  }

  /**
   * A tenant ready for writeback: created, the directory's users imported as synced users, one agent
   * registered and started, and the status up and running.
   */
  async provisionTenant<U extends SeedUser | DirectoryPerson>(
    name: string,
    directoryUsers: U[],
    timeoutMs = 30_000,
  ): Promise<ProvisionedTenant<U>> {
    const { tenant, adminToken } = await this.operator.createTenant(name);
    const admin = this.operator.as(adminToken);
    const users: (U & { id: string })[] = [];
    for (const u of directoryUsers) {
      const userPrincipalName = 'uid' in u ? `${u.uid}@example.test` : u.userPrincipalName;
      const { id } = await admin.createSyncedUser(tenant.id, {
        userPrincipalName,
        displayName: userPrincipalName.split('@')[0]!,
        dn: u.dn,
        immutableId: u.immutableId,
      });
      users.push({ ...u, id });
    }
    const agent = await this.registerAgent(tenant.id, admin);
    agent.start();
    await waitFor(async () => ((await admin.status(tenant.id)).status === 'up_and_running' ? true : undefined), {
      timeoutMs,
      what: 'the agent to report up and running',
    });
    return { tenantId: tenant.id, adminToken, admin, users, agent };
  }

  private agentEnv(stateDir: string): Record<string, string> {
    const { directory, amqpUrl } = this.options;
    return {
      AGENT_STATE_DIR: stateDir,
      AMQP_URL: amqpUrl,
      LDAP_URL: directory.url,
      LDAP_BIND_DN: directory.serviceDn,
      LDAP_BIND_PASSWORD: directory.servicePassword,
      LDAP_BASE_DN: directory.baseDn,
      AGENT_HEARTBEAT_INTERVAL_MS: String(this.options.heartbeatIntervalMs ?? 10_000),
      LOG_LEVEL: this.options.logLevel ?? 'info',
      ...(directory.kind ? { LDAP_DIRECTORY_KIND: directory.kind } : {}),
      ...(directory.caFile ? { LDAP_CA_FILE: directory.caFile } : {}),
      ...(directory.servername ? { LDAP_TLS_SERVERNAME: directory.servername } : {}),
      ...(directory.startTls ? { LDAP_STARTTLS: 'true' } : {}),
      ...this.options.agentEnv,
    };
  }

  async stop(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.stop()));
    await this.cloud.stop();
  }
}

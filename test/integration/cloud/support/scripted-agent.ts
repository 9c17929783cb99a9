import { randomUUID, type KeyObject } from 'node:crypto';
import { connect, type Channel, type ChannelModel, type ConfirmChannel } from 'amqplib';
import {
  COMMAND_TYPES,
  commandQueue,
  EXCHANGES,
  MessageType,
  parseMessage,
  REPLY_ROUTING,
  ResultCode,
  type CredentialVerdict,
  type Message,
  type PolicyReason,
  type SealedSecret,
} from '@sspr/contracts';
import {
  generateEncryptionKeyPair,
  generateSigningKeyPair,
  openSecret,
  privateKeyFromJwk,
  publicKeyFromJwk,
  publicPart,
  signMessage,
  verifyMessage,
  type KeyPairJwk,
} from '@sspr/crypto';
import type { TenantFixture } from './cloud-under-test';

/** A command as the peer received it, with the passwords it could open (if any). */
export interface ReceivedCommand {
  message: Message;
  /** The password of a reset or a credentials check. */
  password?: string;
  /** The two passwords of a user change. */
  currentPassword?: string;
  newPassword?: string;
}

export interface Reply {
  code: ResultCode;
  reason?: PolicyReason;
  /** The bind's verdict, for a credentials check. */
  credential?: CredentialVerdict;
}

/** What the peer answers to a command; undefined: it stays silent (and acks nothing back). */
export type Behaviour = (command: ReceivedCommand) => Reply | undefined;

export interface RegisteredKeys {
  agentId: string;
  tenantId: string;
  cloudKid: string;
  cloudPublicKey: KeyObject;
}

/**
 * The agent's side of the protocol, scripted: it registers like an agent (keys generated here, only the
 * public halves sent), consumes its tenant's command queue on the real broker, verifies and opens
 * commands with @sspr/crypto, and answers with properly signed results. It is the peer, not the thing
 * under test.
 */
export class ScriptedAgent {
  readonly received: ReceivedCommand[] = [];
  /** Commands the peer could not verify or open (it dead-letters them), with why. */
  readonly refused: Error[] = [];
  behaviour: Behaviour = () => ({ code: ResultCode.Applied });
  private model: ChannelModel | undefined;
  private publisher: ConfirmChannel | undefined;
  private consumer: Channel | undefined;

  private constructor(
    readonly keys: RegisteredKeys,
    private readonly signing: KeyPairJwk,
    private readonly encryption: KeyPairJwk,
    private readonly amqpUrl: string,
  ) {}

  get agentId(): string {
    return this.keys.agentId;
  }

  static async register(
    baseUrl: string,
    tenant: TenantFixture,
    amqpUrl: string,
    name = 'scripted-agent',
  ): Promise<ScriptedAgent> {
    const { token } = await tenant.admin.createRegistrationToken(tenant.tenantId);
    const signing = generateSigningKeyPair();
    const encryption = generateEncryptionKeyPair();
    const response = await fetch(new URL('/api/v1/agents/register', baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        token,
        name,
        host: 'test-host',
        version: '0.1.0',
        encryptionKey: publicPart(encryption.publicJwk),
        signingKey: publicPart(signing.publicJwk),
      }),
    });
    if (response.status !== 201) throw new Error(`registration refused: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as {
      agentId: string;
      tenantId: string;
      cloudSigningKey: { kid: string; publicJwk: Parameters<typeof publicKeyFromJwk>[0] };
    };
    const keys: RegisteredKeys = {
      agentId: body.agentId,
      tenantId: body.tenantId,
      cloudKid: body.cloudSigningKey.kid,
      cloudPublicKey: publicKeyFromJwk(body.cloudSigningKey.publicJwk),
    };
    const agent = new ScriptedAgent(keys, signing, encryption, amqpUrl);
    agent.model = await connect(amqpUrl, { noDelay: true });
    agent.publisher = await agent.model.createConfirmChannel();
    return agent;
  }

  /** Starts consuming the tenant's command queue. */
  async consume(): Promise<void> {
    if (!this.model) throw new Error('not connected');
    const channel = await this.model.createChannel();
    await channel.prefetch(16);
    await channel.consume(
      commandQueue(this.keys.tenantId),
      (delivery) => {
        if (!delivery) return;
        void this.onCommand(delivery.content).then(
          () => channel.ack(delivery),
          (err: Error) => {
            this.refused.push(err);
            channel.nack(delivery, false, false);
          },
        );
      },
      { noAck: false },
    );
    this.consumer = channel;
  }

  private async onCommand(content: Buffer): Promise<void> {
    const { body } = await verifyMessage(content.toString('utf8'), (kid) =>
      kid === this.keys.cloudKid ? this.keys.cloudPublicKey : undefined,
    );
    const message = parseMessage(body, COMMAND_TYPES);
    const command: ReceivedCommand = { message };
    const open = async (sealed: SealedSecret) =>
      (
        await openSecret(
          sealed,
          { kid: this.keys.agentId, privateKey: privateKeyFromJwk(this.encryption.privateJwk) },
          message.id,
        )
      ).reveal();
    if (message.type === MessageType.PasswordReset || message.type === MessageType.CredentialsVerify) {
      const payload = message.payload as Message<MessageType.PasswordReset | MessageType.CredentialsVerify>['payload'];
      command.password = await open(payload.secret);
    }
    if (message.type === MessageType.PasswordChange) {
      const payload = message.payload as Message<MessageType.PasswordChange>['payload'];
      command.currentPassword = await open(payload.currentSecret);
      command.newPassword = await open(payload.newSecret);
    }
    this.received.push(command);
    const reply = this.behaviour(command);
    if (reply) await this.sendResult(message.id, message.type, reply);
  }

  /** Sends a signed result for a command (also used to forge results in the attack tests). */
  async sendResult(
    commandId: string,
    commandType: MessageType,
    reply: Reply,
    options: { tenantId?: string } = {},
  ): Promise<void> {
    const now = new Date();
    const tenantId = options.tenantId ?? this.keys.tenantId;
    await this.publish(REPLY_ROUTING.result(tenantId), {
      type: MessageType.WritebackResult,
      id: randomUUID(),
      tenantId,
      issuedAt: now.toISOString(),
      notAfter: new Date(now.getTime() + 60_000).toISOString(),
      payload: {
        commandId,
        commandType,
        agentId: this.keys.agentId,
        code: reply.code,
        ...(reply.reason ? { reason: reply.reason } : {}),
        ...(reply.credential ? { credential: reply.credential } : {}),
        durationMs: 1,
        completedAt: now.toISOString(),
      },
    });
  }

  async heartbeat(
    directory: { reachable: boolean; latencyMs?: number } = { reachable: true, latencyMs: 1 },
  ): Promise<void> {
    const now = new Date();
    await this.publish(REPLY_ROUTING.heartbeat(this.keys.tenantId), {
      type: MessageType.AgentHeartbeat,
      id: randomUUID(),
      tenantId: this.keys.tenantId,
      issuedAt: now.toISOString(),
      notAfter: new Date(now.getTime() + 30_000).toISOString(),
      payload: {
        agentId: this.keys.agentId,
        version: '0.1.0',
        host: 'test-host',
        startedAt: now.toISOString(),
        directory,
      },
    });
  }

  /** Signs an envelope with this agent's key and publishes it on the replies exchange (e.g. sync batches). */
  async publish(routingKey: string, envelope: object): Promise<void> {
    if (!this.publisher) throw new Error('not connected');
    const jws = await signMessage(envelope, {
      kid: this.keys.agentId,
      privateKey: privateKeyFromJwk(this.signing.privateJwk),
    });
    this.publisher.publish(EXCHANGES.replies, routingKey, Buffer.from(jws), {
      persistent: true,
      contentType: 'application/jose',
    });
    await this.publisher.waitForConfirms();
  }

  async close(): Promise<void> {
    await this.consumer?.close();
    await this.model?.close();
  }
}

import { connect, type ChannelModel, type GetMessage } from 'amqplib';
import {
  DEAD_LETTER_REASON_HEADER,
  EXCHANGES,
  MessageType,
  ResultCode,
  commandRoutingKey,
  deadLetterQueue,
} from '@sspr/contracts';
import { generateEncryptionKeyPair, generateSigningKeyPair, privateKeyFromJwk, publicKeyFromJwk } from '@sspr/crypto';
import {
  agentRecipient,
  canBind,
  cloudSigner,
  resetCommand,
  startEnvironment,
  waitFor,
  type Environment,
} from '@sspr/test-support';

describe('commands that can never succeed', () => {
  let env: Environment;
  let amqp: ChannelModel;

  beforeAll(async () => {
    env = await startEnvironment({ users: 5 });
    amqp = await connect(env.amqpUrl);
  });
  afterAll(async () => {
    await amqp?.close();
    await env?.teardown();
  });

  async function publishCommand(body: Buffer): Promise<void> {
    const channel = await amqp.createConfirmChannel();
    channel.publish(EXCHANGES.commands, commandRoutingKey(env.tenantId, MessageType.PasswordReset), body, {
      persistent: true,
    });
    await channel.waitForConfirms();
    await channel.close();
  }

  async function nextDeadLetter(): Promise<GetMessage> {
    const channel = await amqp.createChannel();
    try {
      const message = await waitFor(
        async () => {
          const message = await channel.get(deadLetterQueue(env.tenantId));
          if (!message) return undefined;
          channel.ack(message);
          return message;
        },
        {
          timeoutMs: 10_000,
          what: 'a message in the dead-letter queue',
        },
      );
      return message;
    } finally {
      await channel.close();
    }
  }

  const user = () => env.users[0]!;
  const target = () => ({ dn: user().dn, immutableId: user().immutableId });

  it('dead-letters a malformed message with a reason', async () => {
    await publishCommand(Buffer.from('{"this is": "not a signed command"'));
    const dead = await nextDeadLetter();
    expect(String(dead.properties.headers?.[DEAD_LETTER_REASON_HEADER])).toMatch(/not a signed message/);
  });

  it('dead-letters a command signed by a key the agent does not trust, and applies nothing', async () => {
    const signer = await cloudSigner(env.databaseUrl, env.tenantId, env.stack.masterKey);
    const impostor = { kid: signer.kid, privateKey: privateKeyFromJwk(generateSigningKeyPair().privateJwk) };
    const forged = await resetCommand({
      tenantId: env.tenantId,
      target: target(),
      password: 'Forged-Pass-12345',
      recipients: [agentRecipient(env.stack.agentStateDir(0))],
      signer: impostor,
    });
    await publishCommand(forged.body);
    const dead = await nextDeadLetter();
    expect(String(dead.properties.headers?.[DEAD_LETTER_REASON_HEADER])).toMatch(/signature/);
    await expect(canBind(env.slapd.url, user().dn, 'Forged-Pass-12345')).resolves.toBe(false);
  });

  it('dead-letters a genuine command sealed to another agent, and applies nothing', async () => {
    const signer = await cloudSigner(env.databaseUrl, env.tenantId, env.stack.masterKey);
    const stranger = generateEncryptionKeyPair();
    const command = await resetCommand({
      tenantId: env.tenantId,
      target: target(),
      password: 'Not-For-You-Pass-1',
      recipients: [{ kid: 'another-agent', publicKey: publicKeyFromJwk(stranger.publicJwk) }],
      signer,
    });
    await publishCommand(command.body);
    const dead = await nextDeadLetter();
    expect(String(dead.properties.headers?.[DEAD_LETTER_REASON_HEADER])).toMatch(/not sealed to this agent/);
    await expect(canBind(env.slapd.url, user().dn, 'Not-For-You-Pass-1')).resolves.toBe(false);
  });

  it('keeps serving after all of them', async () => {
    const res = await env.admin.resetPassword(env.tenantId, env.users[1]!.id, { password: 'Still-Serving-Pass-1' });
    expect(res.body.outcome).toBe(ResultCode.Applied);
    await expect(canBind(env.slapd.url, env.users[1]!.dn, 'Still-Serving-Pass-1')).resolves.toBe(true);
  });
});

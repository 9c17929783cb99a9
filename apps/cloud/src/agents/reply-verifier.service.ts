import { Injectable } from '@nestjs/common';
import { decodeProtectedHeader } from 'jose';
import { InvalidMessageError, parseMessage, type Message, type MessageType } from '@sspr/contracts';
import { CryptoError, verifyMessage } from '@sspr/crypto';
import { AgentKeyring, type TrustedAgent } from './agent-keyring.service';

/** A reply the cloud will not act on; `reason` is safe to log (never message content). */
export class UntrustedReplyError extends Error {
  override readonly name = 'UntrustedReplyError';
  constructor(readonly reason: string) {
    super(reason);
  }
}

/**
 * Accepts a reply (result or heartbeat) only when it is signed by a registered, non-revoked agent
 * (kid = agent id), is a valid message of the expected type, and speaks for the agent's own
 * tenant and the agent itself.
 */
@Injectable()
export class ReplyVerifier {
  constructor(private readonly keyring: AgentKeyring) {}

  async verify<T extends MessageType>(content: Buffer, type: T): Promise<{ agent: TrustedAgent; message: Message<T> }> {
    const jws = content.toString('utf8');
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(jws).kid;
    } catch {
      throw new UntrustedReplyError('not a signed message');
    }
    if (typeof kid !== 'string') throw new UntrustedReplyError('the signature names no key');
    const agent = await this.keyring.trusted(kid);
    if (!agent) throw new UntrustedReplyError('signed by an unknown agent');
    if (agent.revoked) throw new UntrustedReplyError(`signed by revoked agent ${agent.agentId}`);

    let message: Message;
    try {
      const { body } = await verifyMessage(jws, (k) => (k === agent.agentId ? agent.publicKey : undefined));
      message = parseMessage(body, [type]);
    } catch (err) {
      if (err instanceof CryptoError || err instanceof InvalidMessageError) throw new UntrustedReplyError(err.message);
      throw err;
    }
    if (message.tenantId !== agent.tenantId) {
      throw new UntrustedReplyError(`agent ${agent.agentId} spoke for another tenant (${message.tenantId})`);
    }
    const payload = message.payload as { agentId?: string };
    if (payload.agentId !== agent.agentId) {
      throw new UntrustedReplyError(`agent ${agent.agentId} signed a reply in the name of another agent`);
    }
    return { agent, message: message as Message<T> };
  }
}

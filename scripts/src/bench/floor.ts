import { randomUUID } from 'node:crypto';
import { connect, type ConsumeMessage } from 'amqplib';
import { Client } from 'ldapts';
import { encodePasswordModifyRequest, PASSWORD_MODIFY_OID } from '@sspr/directory';
import { closedLoop, type RunFigures } from './stats';

export interface FloorTarget {
  amqpUrl: string;
  ldapUrl: string;
  bindDn: string;
  bindPassword: string;
  userDns: string[];
}

/**
 * The bare floor: amqplib publish → consumer → ldapts Password Modify → reply, on quorum queues, with no
 * framework, no crypto and no database. The product's figures are reported as ratios to this.
 */
export async function runFloor(target: FloorTarget, count: number, concurrency: number): Promise<RunFigures> {
  const connection = await connect(target.amqpUrl, { noDelay: true });
  const ldap = new Client({ url: target.ldapUrl, timeout: 10_000 });
  await ldap.bind(target.bindDn, target.bindPassword);
  const run = randomUUID().slice(0, 8);
  const requests = `bench.floor.${run}.requests`;
  const replies = `bench.floor.${run}.replies`;
  try {
    const server = await connection.createChannel();
    const client = await connection.createChannel();
    for (const q of [requests, replies]) {
      await server.assertQueue(q, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    }
    await server.prefetch(concurrency);
    await server.consume(
      requests,
      (msg: ConsumeMessage | null) => {
        if (!msg) return;
        const { dn, password } = JSON.parse(msg.content.toString()) as { dn: string; password: string };
        ldap
          .exop(PASSWORD_MODIFY_OID, encodePasswordModifyRequest(dn, Buffer.from(password)))
          .then(
            () => 'applied',
            (err: Error) => `failed: ${err.message}`,
          )
          .then((outcome) => {
            server.sendToQueue(replies, Buffer.from(outcome), {
              correlationId: msg.properties.correlationId as string,
              persistent: true,
            });
            server.ack(msg);
          })
          .catch(() => server.nack(msg, false, false));
      },
      { noAck: false },
    );
    const waiting = new Map<string, (outcome: string) => void>();
    await client.consume(
      replies,
      (msg) => {
        if (!msg) return;
        waiting.get(msg.properties.correlationId as string)?.(msg.content.toString());
        waiting.delete(msg.properties.correlationId as string);
        client.ack(msg);
      },
      { noAck: false },
    );
    let failures = 0;
    const figures = await closedLoop(count, concurrency, async (i) => {
      const id = `${run}-${i}`;
      const dn = target.userDns[i % target.userDns.length] ?? '';
      const outcome = new Promise<string>((resolve) => waiting.set(id, resolve));
      client.sendToQueue(requests, Buffer.from(JSON.stringify({ dn, password: `Floor-${id}-pw` })), {
        correlationId: id,
        persistent: true,
      });
      if ((await outcome) !== 'applied') failures++;
    });
    if (failures > 0) throw new Error(`floor: ${failures} of ${count} password writes failed`);
    for (const q of [requests, replies]) await server.deleteQueue(q);
    return figures;
  } finally {
    await connection.close();
    await ldap.unbind();
  }
}

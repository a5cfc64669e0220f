import { Cluster } from 'ioredis';
import { createRedis } from '../../src/storage/redis.ts';

/** Deletes every key under a PeerScout key prefix (its `{prefix}` hashtag), queues included. */
export async function deletePrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = createRedis(redisUrl);
  try {
    // On a cluster every master holds some of the keys: each is scanned on its own.
    const servers = redis instanceof Cluster ? redis.nodes('master') : [redis];
    for (const server of servers) {
      let cursor = '0';
      do {
        const [next, keys] = await server.scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 1000);
        cursor = next;
        // Every matched key starts with the `{prefix}` hashtag, so a batch is one slot of one node.
        if (keys.length > 0) await server.unlink(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}

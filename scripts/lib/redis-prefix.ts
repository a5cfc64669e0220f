import { Cluster } from 'ioredis';
import { createKeys } from '../../src/storage/keys.ts';
import { createRedis } from '../../src/storage/redis.ts';

/** Deletes every key under a PeerScout key prefix (see keys.ts `patterns`), queues included. */
export async function deletePrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = createRedis(redisUrl);
  try {
    // On a cluster every master holds some of the keys: each is scanned on its own.
    const servers = redis instanceof Cluster ? redis.nodes('master') : [redis];
    for (const server of servers) {
      for (const pattern of createKeys(prefix).patterns) {
        let cursor = '0';
        do {
          const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
          cursor = next;
          // One command per key: on a cluster a batch spans slots, which one command may not.
          if (keys.length > 0) {
            const pipeline = server.pipeline();
            for (const key of keys) pipeline.unlink(key);
            await pipeline.exec();
          }
        } while (cursor !== '0');
      }
    }
  } finally {
    redis.disconnect();
  }
}

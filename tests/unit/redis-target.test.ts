import { describe, expect, it } from 'vitest';
import { loadConfig, redisTarget } from '../../src/config.ts';

describe('REDIS_URL', () => {
  it('names one server with redis:// and a cluster with redis-cluster://host:port,...', () => {
    expect(redisTarget('redis://127.0.0.1:6379')).toEqual({ kind: 'single', url: 'redis://127.0.0.1:6379' });
    expect(redisTarget('redis-cluster://app:s%40cret@10.0.0.1:7000,10.0.0.2:7001/')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
      ],
      username: 'app',
      password: 's@cret',
    });
  });

  it('when a cluster node or the URL is malformed, then the configuration is refused', () => {
    for (const url of [
      'redis-cluster://',
      'redis-cluster://10.0.0.1',
      'redis-cluster://a:1,,b:2',
      'http://x:1',
    ]) {
      expect(() => loadConfig({ REDIS_URL: url }), url).toThrow(/REDIS_URL/);
    }
    expect(loadConfig({ REDIS_URL: 'redis-cluster://127.0.0.1:7000' }).redisUrl).toBe(
      'redis-cluster://127.0.0.1:7000',
    );
  });
});

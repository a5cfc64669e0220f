import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyPluginAsync } from 'fastify';
import type { JobQueues } from '../../jobs/queues.ts';

export const QUEUES_DASHBOARD_PATH = '/admin/queues';

/**
 * bull-board: queue depths, failed jobs and retries in a browser. There is no authentication yet, so
 * deployments must not expose /admin to the internet (see README).
 */
export function adminRoutes(queues: JobQueues): FastifyPluginAsync {
  return async (app) => {
    const serverAdapter = new FastifyAdapter();
    createBullBoard({
      queues: [...queues.queues.values()].map((queue) => new BullMQAdapter(queue)),
      serverAdapter,
    });
    serverAdapter.setBasePath(QUEUES_DASHBOARD_PATH);
    await app.register(serverAdapter.registerPlugin(), { prefix: QUEUES_DASHBOARD_PATH });
  };
}

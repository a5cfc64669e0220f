import Fastify from 'fastify';

/** The reference of the HTTP rows: fastify answering a small JSON route, in a process of its own like the API. */
const app = Fastify({ logger: false });
app.get('/hello', async () => ({ hello: 'world' }));

/** JSON bodies of a given size, built once and sent as they are: what answering costs with no work at all. */
const bodies = new Map<number, string>();
app.get<{ Params: { bytes: string } }>('/sized/:bytes', async (request, reply) => {
  const bytes = Math.min(Math.max(Number(request.params.bytes) || 0, 16), 1_000_000);
  let body = bodies.get(bytes);
  if (body === undefined) {
    body = JSON.stringify({ pad: 'x'.repeat(bytes - 10) });
    bodies.set(bytes, body);
  }
  return reply.type('application/json').send(body);
});
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
console.log('hello-world listening');

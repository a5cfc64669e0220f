import Fastify from 'fastify';

/** The reference of the HTTP rows: fastify answering a small JSON route, in a process of its own like the API. */
const app = Fastify({ logger: false });
app.get('/hello', async () => ({ hello: 'world' }));
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
console.log('hello-world listening');

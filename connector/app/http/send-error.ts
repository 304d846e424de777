import type { FastifyReply } from 'fastify';

/** Every error the API answers has this one shape: `{ error: { code, message, …extra } }`. */
export function sendError(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): FastifyReply {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ error: { code, message, ...extra } });
}

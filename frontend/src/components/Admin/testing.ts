// Test helpers for the admin area: a fetch stub that answers by method and path, and records the calls.
import { vi } from "vitest";

export type Reply = { status: number; body?: unknown } | ((request: Request) => { status: number; body?: unknown });

export interface Call {
  method: string;
  path: string;
  body: unknown;
}

export function json(status: number, body?: unknown): Response {
  const type = status >= 400 ? "application/problem+json" : "application/json";
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "Content-Type": type } });
}

/** Stub fetch: `routes["POST /api/v1/auth/users"]` is a reply or a queue of replies (the last one repeats). */
export function stubApi(routes: Record<string, Reply | Reply[]>): Call[] {
  const calls: Call[] = [];
  const queues = new Map(Object.entries(routes).map(([key, reply]) => [key, Array.isArray(reply) ? [...reply] : [reply]]));
  vi.stubGlobal(
    "fetch",
    vi.fn(async (request: Request) => {
      const url = new URL(request.url);
      const text = request.method === "GET" ? "" : await request.clone().text();
      calls.push({ method: request.method, path: url.pathname + url.search, body: text ? JSON.parse(text) : undefined });
      const queue = queues.get(`${request.method} ${url.pathname}`);
      if (!queue) return json(404, { status: 404, title: "Not Found", detail: `no stub for ${request.method} ${url.pathname}` });
      const next = (queue.length > 1 ? queue.shift() : queue[0])!;
      const reply = typeof next === "function" ? next(request) : next;
      return json(reply.status, reply.body);
    }),
  );
  return calls;
}

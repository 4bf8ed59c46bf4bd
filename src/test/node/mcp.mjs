// What the official MCP TypeScript client (v2, revision 2026-07-28) does against an MCP route of Bastion's:
// connects pinned to 2026-07-28 (server/discover, no initialize), lists tools, calls one, then one without a
// token. Prints one JSON line per case: {"case": ..., "ok": bool, ...}. Never prints the token.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

const [url, token, tool] = process.argv.slice(2);
const out = (o) => console.log(JSON.stringify(o));

async function connect(bearer) {
  const headers = bearer ? { Authorization: `Bearer ${bearer}` } : {};
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: "bastion-test", version: "1.0.0" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
  await client.connect(transport);
  return client;
}

async function run(name, fn) {
  try {
    out({ case: name, ok: true, ...(await fn()) });
  } catch (e) {
    out({ case: name, ok: false, type: e.constructor?.name, code: e.code ?? null, message: String(e.message ?? "").slice(0, 200) });
  }
}

let client;
await run("connect", async () => {
  client = await connect(token);
  return {};
});
await run("list", async () => ({ tools: (await client.listTools()).tools.map((t) => t.name) }));
await run("call", async () => {
  const r = await client.callTool({ name: tool, arguments: { text: "hi" } });
  return { text: r.content?.[0]?.text ?? null, isError: r.isError ?? false };
});
await run("anonymous", async () => {
  const c = await connect(null);
  await c.listTools();
  return {};
});
await client?.close();

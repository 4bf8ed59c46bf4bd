// What the official OpenAI SDK does with an embeddings model served through Bastion's catalogue (the public
// model name is the third argument). The SDK asks for base64 by default and decodes it: the "default" case
// only has vectors of the right length if Bastion encoded a translated provider's floats as OpenAI does.
// Prints one JSON line per case: {"case": ..., "ok": bool, ...}. Never prints keys.
import OpenAI from "openai";

const [baseURL, apiKey, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const out = (o) => console.log(JSON.stringify(o));

async function run(name, fn) {
  try {
    out({ case: name, ok: true, ...(await fn()) });
  } catch (e) {
    out({ case: name, ok: false, status: e.status ?? null, code: e.code ?? e.error?.code ?? null, type: e.constructor?.name, message: e.message });
  }
}

const input = ["The gateway guards the models", "and every vector is counted"];
await run("default", async () => {
  const r = await client.embeddings.create({ model, input });
  return { model: r.model, lengths: r.data.map((d) => d.embedding.length), indexes: r.data.map((d) => d.index),
    head: r.data.map((d) => d.embedding.slice(0, 4)), usage: r.usage };
});
await run("float", async () => {
  const r = await client.embeddings.create({ model, input, encoding_format: "float" });
  return { lengths: r.data.map((d) => d.embedding.length), head: r.data.map((d) => d.embedding.slice(0, 4)) };
});
await run("wire", async () => {
  // What the default request received before the SDK decoded it.
  const raw = await client.embeddings.create({ model, input }).asResponse();
  const body = await raw.json();
  return { types: body.data.map((d) => typeof d.embedding), answeredBy: raw.headers.get("x-bastion-model") };
});
await run("dimensions", async () => {
  const r = await client.embeddings.create({ model, input: "short", dimensions: 16 });
  return { lengths: r.data.map((d) => d.embedding.length) };
});
await run("unknown-model", async () => {
  await client.embeddings.create({ model: "text-embedding-9", input: "hello" });
  return {};
});

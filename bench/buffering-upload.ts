// The upload-memory baseline: a bare Bun server that reads each multipart
// form whole (`request.formData()`, then every file's bytes), as a handler
// that buffers would, and answers with the sizes. Parley's RSS growth while
// 20 large uploads stream in is reported against it (bench/upload-memory.ts).
//   UPLOAD_PORT=0 bun bench/buffering-upload.ts   (prints `uploads <url>`)
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env.UPLOAD_PORT ?? 0),
  idleTimeout: 0,
  maxRequestBodySize: 1024 * 1024 * 1024,
  async fetch(request) {
    if (request.method !== "POST") return new Response("ok");
    const form = await request.formData();
    const sizes: number[] = [];
    for (const value of form.getAll("files")) if (value instanceof Blob) sizes.push((await value.arrayBuffer()).byteLength);
    return Response.json({ sizes });
  },
});
console.log(`uploads http://127.0.0.1:${server.port}/attachments`);

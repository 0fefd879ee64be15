import { createServer, request } from "node:http";

const server = createServer({ headersTimeout: 1000, requestTimeout: 1500, connectionsCheckingInterval: 500 }, (req, res) => {
  req.resume();
  req.on("end", () => setTimeout(() => res.end("late ok"), 4000));
});
server.listen(0, () => {
  const { port } = server.address();
  const t = Date.now();
  const r = request({ port, method: "POST", headers: { "content-type": "application/json" } }, (res) => {
    let b = "";
    res.on("data", (d) => (b += d));
    res.on("end", () => {
      console.log(res.statusCode, b, Date.now() - t);
      server.close();
    });
  });
  r.on("error", (e) => {
    console.log("error", e.message, Date.now() - t);
    server.close();
  });
  r.end("{}");
});

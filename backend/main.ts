import { createApp } from "./app.ts";
import { readConfig } from "./config.ts";

const config = readConfig();
const server = createApp().listen(config.PORT, config.HOST, () => {
  console.log(`memefans backend listening on http://${config.HOST}:${config.PORT}`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}

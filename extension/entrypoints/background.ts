import { installBufferGlobal } from "../background/buffer-global.ts";
import { startBackground } from "../background/start-background.ts";

export default defineBackground(() => {
  installBufferGlobal();
  startBackground();
});

// The kiosk page's entry: loads the wasm core and shows that it is ready.
import init, { version } from "./pkg/aixin_kiosk.js";

const status = document.getElementById("status");
try {
  await init();
  status.textContent = `已就绪 Ready · v${version()}`;
  document.documentElement.dataset.ready = "true";
} catch (error) {
  status.textContent = `无法加载 Failed to load: ${error}`;
}

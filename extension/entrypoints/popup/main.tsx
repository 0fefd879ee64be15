import { createRoot } from "react-dom/client";

function Popup() {
  return <main>MEMEFANS wallet</main>;
}

const root = document.getElementById("root");
if (!root) throw new Error("popup: #root is missing from index.html");
createRoot(root).render(<Popup />);

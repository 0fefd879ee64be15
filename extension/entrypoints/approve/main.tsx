import "../popup/page.css";
import { mountPage } from "../popup/page-root.tsx";
import { ApprovalView } from "./approval-view.tsx";

const id = new URLSearchParams(location.search).get("id") ?? "";
mountPage(<ApprovalView id={id} />);

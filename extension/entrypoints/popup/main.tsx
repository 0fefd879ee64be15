import "./page.css";
import { mountPage } from "./page-root.tsx";
import { PopupApp } from "./popup-app.tsx";

mountPage(<PopupApp />);

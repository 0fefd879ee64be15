import "../popup/page.css";
import { mountPage } from "../popup/page-root.tsx";
import { WelcomePage } from "./welcome-page.tsx";

mountPage(<WelcomePage />);

import "../popup/page.css";
import { mountPage } from "../popup/page-root.tsx";
import { OptionsApp } from "./options-app.tsx";

mountPage(<OptionsApp />);

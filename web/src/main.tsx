import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App, prefetchPage } from "./App";
import { startSession } from "./session";
import "./styles.css";

// The first API requests and the opened page's chunk load while React renders (not one after the other).
if (startSession()) prefetchPage(window.location.pathname);

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

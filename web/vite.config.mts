// Vite build of the web app: web/src -> web/dist, served by each agency service (services/agency/api/web-app.ts).
// `npm run build:web` type-checks with `tsc -p web` first; the dev server proxies /api to a running service.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 800,
    // React and the charts library change less often than the app and are wanted by different pages:
    // chunks of their own (the pages themselves are split by App.tsx's lazy imports).
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (/node_modules[\\/](chart\.js|@kurkle)[\\/]/.test(id)) return "charts";
          if (/node_modules[\\/](react|react-dom|scheduler)[\\/]/.test(id)) return "react";
          return undefined;
        },
      },
    },
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: { "/api": process.env.ANKER_API_URL ?? "http://127.0.0.1:3001" },
    fs: { allow: [fileURLToPath(new URL("..", import.meta.url))] },
  },
});

import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

// Unit and integration tests (Node). Browser behaviour lives in tests/e2e (Playwright).
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["app/**/*.test.ts", "tests/unit/**/*.test.ts"],
    environment: "node",
    setupFiles: ["tests/setup/vitest.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});

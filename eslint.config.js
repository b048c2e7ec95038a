// Lint rules for Parley (run by `npm run lint` and inside `npm test`).
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/**", "node_modules/**", "tests/.tmp/**", "bench/results/**", "playwright-report/**", "test-results/**", "public/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      // An empty catch must say why in a comment (a comment makes the block non-empty).
      "no-empty": ["error", { allowEmptyCatch: false }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "warn" },
  },
  {
    // Playwright fixtures take `{}` and call `use`, which are not React's.
    files: ["tests/e2e/**/*.ts"],
    rules: { "no-empty-pattern": "off" },
  },
  {
    // Sentences with markup go through app/i18n/Trans.tsx, which keeps a value's "<" as text.
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/i18n/Trans.tsx"],
    rules: { "no-restricted-imports": ["error", { paths: [{ name: "react-i18next", importNames: ["Trans"], message: "Use Trans from ~/i18n/Trans: it shows values with < as text." }] }] },
  },
  {
    // The app logs through app/utils/logger.server.ts: one format, secrets redacted.
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/utils/logger.server.ts", "**/*.test.ts"],
    rules: { "no-console": "error" },
  },
);

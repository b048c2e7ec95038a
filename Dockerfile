# syntax=docker/dockerfile:1
# Parley on the official Bun image. Stage 1 installs and builds; stage 2 keeps
# only what the server needs at run time.
ARG BUN_VERSION=1.3

FROM oven/bun:${BUN_VERSION} AS build
WORKDIR /app
# npm is the supported installer (see README); the Bun image ships Node's npm via bunx-less install.
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY . .
RUN npx remix vite:build && npm prune --omit=dev

FROM oven/bun:${BUN_VERSION}-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0 \
    DATABASE_URL=file:/data/parley.db \
    BUN_CONFIG_MAX_HTTP_REQUESTS=4096
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/build ./build
COPY --from=build /app/drizzle ./drizzle
# server.ts loads only the server build: the app's sources are not needed at run time.
COPY --from=build /app/server.ts /app/package.json /app/bunfig.toml ./
RUN mkdir -p /data && chown bun:bun /data
USER bun
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s CMD bun -e "fetch('http://127.0.0.1:' + (process.env.PORT ?? 8080) + '/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# Migrations run at start (server.ts), so a new image upgrades the volume's database on boot.
CMD ["bun", "server.ts"]

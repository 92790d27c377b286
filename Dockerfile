# syntax=docker/dockerfile:1
# Parley on Bun (README "Running in a container"):
#   docker build -t parley .
#   docker run -p 3000:3000 -v parley-data:/data -e JWT_SECRET=... parley
# Bun runs the TypeScript sources as they are: there is no build step, only dependencies.

# The version of the `bun` devDependency (test/ops/container.test.ts keeps them the same).
ARG BUN_VERSION=1.4.5

# Production dependencies only, at exactly the versions package-lock.json pins (bun reads it).
FROM oven/bun:${BUN_VERSION}-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN bun install --production --frozen-lockfile

FROM oven/bun:${BUN_VERSION}-slim
WORKDIR /app
# NODE_ENV=production: JSON log lines even on a terminal (docker run -t).
ENV NODE_ENV=production PORT=3000 DATA_DIR=/data
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY drizzle ./drizzle
COPY src ./src
# The embedded database (and, without JWT_SECRET, the generated key) live in DATA_DIR, owned by
# the image's unprivileged user.
RUN mkdir -p /data && chown bun:bun /data
USER bun
VOLUME /data
EXPOSE 3000
# The slim image has no curl: bun itself asks /healthz.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["bun", "-e", "const res = await fetch(`http://127.0.0.1:${process.env.PORT}/healthz`); process.exit(res.ok ? 0 : 1)"]
CMD ["bun", "src/adapter/bun/main.ts"]

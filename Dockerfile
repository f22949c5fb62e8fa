# ozgwatch daemon image. Build: docker build -t ozgwatch .
# Run:   docker run -p 9464:9464 --shm-size=1g --stop-timeout 30 -v ozgwatch-data:/var/lib/ozgwatch \
#          -v $PWD/probes:/etc/ozgwatch/probes:ro ozgwatch
# (--stop-timeout: more than shutdownGrace, 10 s, so that SIGTERM's orderly stop is not cut off.)

# Stage 1: production dependencies only (reproducible from package-lock.json).
FROM node:24.21.0-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# Stage 2: runtime. Node runs the TypeScript sources directly (type stripping).
FROM node:24.21.0-bookworm-slim
# tini reaps child processes (Chromium's) and forwards signals. Debian's Chromium: the
# headless shell runs the browser journeys (the build Playwright runs headless), the full
# browser runs Lighthouse (it needs the new headless mode). Fonts so that screenshots of
# German pages show their umlauts.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini ca-certificates chromium-headless-shell chromium fonts-liberation fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY probes /etc/ozgwatch/probes
# `ozgwatch` on PATH, so that the runbooks' commands work in the container as written
# (`docker compose exec ozgwatch ozgwatch run <probe>`, `kubectl exec … -- ozgwatch validate`).
# chmod: the image does not depend on the file mode of the checkout it is built from.
RUN chmod 755 /app/bin/ozgwatch.js \
 && ln -s /app/bin/ozgwatch.js /usr/local/bin/ozgwatch \
 && mkdir -p /var/lib/ozgwatch && chown node:node /var/lib/ozgwatch
USER node
ENV NODE_ENV=production \
    OZGWATCH_PROBES=/etc/ozgwatch/probes \
    OZGWATCH_DATA_DIR=/var/lib/ozgwatch \
    OZGWATCH_HOST=0.0.0.0 \
    OZGWATCH_PORT=9464 \
    OZGWATCH_BROWSER_PATH=/usr/bin/chromium-headless-shell
VOLUME ["/var/lib/ozgwatch"]
EXPOSE 9464
# Asks the port the daemon listens on, OZGWATCH_PORT. Move the port with that variable
# (`docker run -e OZGWATCH_PORT=8080`), not with `serve --port`, which the check cannot see.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.OZGWATCH_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--", "node", "--max-semi-space-size=4", "--heap-growing-percent=100", "/app/src/cli/main.ts"]
CMD ["serve"]

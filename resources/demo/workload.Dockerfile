# The demo mesh's workload as a container image, for the mesh sandbox on kind: Meshdeck builds it
# through the Engine API from a checkout after `npm run build` (the built workload, its proto, and
# the npm dependencies from the lockfile) and loads it into the nodes with `kind load docker-image`.
FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY out/main ./out/main
COPY resources/demo ./resources/demo
USER node
ENTRYPOINT ["node", "out/main/demo-workload.js"]
